//! `conversations`: the service inbox.
//! * `POST /conversations` — the storefront's contact form (`conversations:write`, a system
//!   scope): e-mail, name, subject, text and an optional order. The order, and its customer,
//!   are linked only when the order's customer holds the address the form gives: a form is
//!   typed by anyone, and an address alone proves nothing.
//! * `GET /conversations?state=&assignee=&order=&customer_id=` and `GET /conversations/{id}`
//!   (`customers:read`): the lists by state (and assignee), most recently changed first or
//!   oldest first, a customer's conversations, and a thread with its attachments' links. Each
//!   conversation says when its first response is due and whether it is overdue.
//! * `POST /conversations/{id}/replies` (`customers:write`): a reply to the customer, sent by
//!   the notifier through SES (`conversation.replied`), threaded under their e-mails.
//! * `POST /conversations/{id}/notes`, `/close`, `/reopen` and `PATCH /conversations/{id}`
//!   (`customers:write`): internal notes (never sent), the state, the assignee and the tags.
//!
//! Conversations hold personal data (the correspondent's address, name and words): they are
//! never logged.

use backoffice::AppContext;
use backoffice::domain::conversation::{self, Change, Channel, Conversation, ConversationError, Inbound, State};
use backoffice::domain::{ConversationId, CustomerId, MessageId, OrderId};
use backoffice::http::command::{self, Decision, Idempotency, Loaded, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::Versioned;
use backoffice::store::events::EventsOf;
use backoffice::store::loaded::Reads;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("conversations", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /conversations" => contact(ctx, &req).await,
            "GET /conversations" => list(ctx, &req).await,
            "GET /conversations/{id}" => thread(ctx, &req).await,
            "POST /conversations/{id}/notes" => note(ctx, &req).await,
            "POST /conversations/{id}/replies" => reply(ctx, &req, &correlation_id).await,
            "PATCH /conversations/{id}" => patch(ctx, &req).await,
            "POST /conversations/{id}/close" => set_state(ctx, &req, Change::Close).await,
            "POST /conversations/{id}/reopen" => set_state(ctx, &req, Change::Reopen).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactBody {
    email: String,
    #[serde(default)]
    name: Option<String>,
    subject: String,
    text: String,
    #[serde(default)]
    order_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
}

/// `assignee`: absent leaves it, `null` unassigns. `tags`: the whole new set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Option<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// A field given (even as `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A conversation as staff see it: with when its first response is due, and whether it is late.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    conversation: &'a Conversation,
    first_response_due_at: chrono::DateTime<chrono::Utc>,
    overdue: bool,
}

fn listed<'a>(ctx: &AppContext, c: &'a Conversation, now: chrono::DateTime<chrono::Utc>) -> Listed<'a> {
    Listed {
        conversation: c,
        first_response_due_at: ctx.response_target.due(c),
        overdue: ctx.response_target.overdue(c, now),
    }
}

/// An attachment with a link that downloads it for a few minutes.
#[derive(Serialize)]
struct Linked<'a> {
    #[serde(flatten)]
    attachment: &'a conversation::Attachment,
    url: String,
}

#[derive(Serialize)]
struct MessageView<'a> {
    #[serde(flatten)]
    message: &'a conversation::Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Linked<'a>>,
    /// How a staff reply was sent (absent until the sender took it).
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<&'a backoffice::store::payments::EmailDelivery>,
}

#[derive(Serialize)]
struct Thread<'a> {
    conversation: Listed<'a>,
    messages: Vec<MessageView<'a>>,
    version: u64,
}

fn conversation_problem(e: ConversationError) -> Problem {
    match e {
        ConversationError::Invalid(f) => f.into(),
        ConversationError::Erased => {
            Problem::conflict("conversation-erased", "The conversation was erased", e.to_string())
        }
        ConversationError::NoAddress => Problem::conflict("no-address", "Nobody to answer", e.to_string()),
    }
}

fn loaded_conversation(loaded: &Loaded, id: &ConversationId) -> Result<Versioned<Conversation>, Problem> {
    loaded.conversation(id)?.ok_or_else(|| Problem::missing("conversation", id))
}

async fn contact(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CONVERSATIONS_WRITE)?;
    let body: ContactBody = http::json_body(req)?;
    let email = backoffice::domain::contact::Email::parse("email", &body.email)?;
    if body.subject.trim().is_empty() {
        return Err(Problem::invalid("subject", "must not be empty"));
    }
    if body.text.trim().is_empty() {
        return Err(Problem::invalid("text", "must not be empty"));
    }
    if body.text.chars().count() > conversation::MAX_TEXT_CHARS {
        return Err(Problem::invalid("text", format!("must be at most {} characters", conversation::MAX_TEXT_CHARS)));
    }
    let order_id = body.order_id.as_deref().map(|o| OrderId::parse("order_id", o)).transpose()?;
    let inbound = Inbound {
        channel: Channel::ContactForm,
        email: email.as_str().to_owned(),
        name: body.name.clone(),
        subject: body.subject.clone(),
        text: body.text.clone(),
        attachments: Vec::new(),
        message_id_header: None,
        raw_key: None,
        verdicts: None,
    };
    // The order, and its customer, only when that customer holds the address given.
    let mut linked = None;
    if let Some(id) = &order_id
        && let Some(order) = ctx.store.order(id).await?
        && let Some(customer) = ctx.store.customer(order.customer_id()).await?
        && customer.email() == Some(email.as_str())
    {
        linked = Some((order.id(), order.customer_id().clone()));
    }
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new(), |_| {
        let now = chrono::Utc::now();
        let token = backoffice::domain::ids::new_ulid_string().to_lowercase();
        let (customer, order) = match &linked {
            Some((order, customer)) => (Some(customer.clone()), Some(*order)),
            None => (None, None),
        };
        let (opened, message) =
            conversation::open(ConversationId::new(), MessageId::new(), &inbound, customer, order, token, now);
        let id = opened.id;
        let response = respond(StatusCode::CREATED, &opened, Some(format!("/conversations/{id}")))?;
        let mut changes = ctx.store.changes();
        changes.conversation(None, &opened)?.message(&message)?;
        Ok(Decision::new(changes, response)
            .on_commit(move || tracing::info!(conversation_id = %id, "conversation opened")))
    })
    .await)
}

async fn list(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::CUSTOMERS_READ)?;
    http::only_query_params(req, &["state", "assignee", "order", "customer_id", "limit", "cursor"])?;
    let now = chrono::Utc::now();
    if let Some(raw) = http::query_param(req, "customer_id") {
        let customer = CustomerId::parse("customer_id", &raw)?;
        let found = ctx.store.conversations_of(&customer).await?;
        let items: Vec<Listed> = found.iter().map(|c| listed(ctx, c, now)).collect();
        return Ok(http::json(StatusCode::OK, &serde_json::json!({ "items": items, "next_cursor": null })));
    }
    let state = match http::query_param(req, "state") {
        Some(raw) => State::parse("state", &raw)?,
        None => State::Open,
    };
    let assignee = http::query_param(req, "assignee");
    if let Some(who) = &assignee
        && (who.trim().is_empty() || who.len() > 200)
    {
        return Err(Problem::invalid("assignee", "must be a member of staff's id of 1 to 200 characters"));
    }
    let oldest_first = match http::query_param(req, "order").as_deref() {
        None | Some("newest") => false,
        Some("oldest") => true,
        Some(_) => return Err(Problem::invalid("order", "must be newest or oldest")),
    };
    let limit = backoffice::store::page::parse_limit(http::query_param(req, "limit").as_deref())?;
    let cursor = http::query_param(req, "cursor");
    let page = ctx.store.conversations(state, assignee.as_deref(), oldest_first, limit, cursor.as_deref()).await?;
    let items: Vec<Listed> = page.items.iter().map(|c| listed(ctx, c, now)).collect();
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "items": items, "next_cursor": page.next_cursor })))
}

async fn thread(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::CUSTOMERS_READ)?;
    http::only_query_params(req, &[])?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let (c, messages) = ctx.store.thread(&id).await?.ok_or_else(|| Problem::missing("conversation", &id))?;
    let deliveries = ctx.store.reply_deliveries(&id).await?;
    let mut views = Vec::with_capacity(messages.len());
    for m in &messages {
        let mut links = Vec::with_capacity(m.attachments.len());
        if let Some(bucket) = backoffice::files::mail_of(ctx) {
            for a in &m.attachments {
                let url = bucket.download_link(&a.key, &a.filename, &a.content_type).await.map_err(|e| {
                    tracing::error!(error = %e, "cannot sign an attachment's link");
                    Problem::unavailable("the attachments cannot be linked now; try again")
                })?;
                links.push(Linked { attachment: a, url });
            }
        }
        views.push(MessageView { message: m, links, delivery: deliveries.get(&m.id) });
    }
    let body = Thread { conversation: listed(ctx, &c, chrono::Utc::now()), messages: views, version: c.version() };
    Ok(http::json(StatusCode::OK, &body))
}

async fn reply(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let body: NoteBody = http::json_body(req)?;
    let Some(domain) = ctx.support_address.as_deref().and_then(|a| a.split_once('@')).map(|(_, d)| d.to_owned()) else {
        return Err(Problem::conflict(
            "no-support-address",
            "Replies are not configured",
            "the shop has no support address (SupportAddress in the template) to reply from",
        ));
    };
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().conversation(&id), |loaded| {
        let before = loaded_conversation(loaded, &id)?;
        let now = chrono::Utc::now();
        let (next, message, event) =
            conversation::reply(&before, MessageId::new(), &caller.subject, &body.text, &domain, now)
                .map_err(conversation_problem)?;
        let response = respond(StatusCode::CREATED, &message, None)?;
        let mut changes = ctx.store.changes();
        changes.conversation(Some(&before), &next)?.message(&message)?.events(
            EventsOf::Conversation(&id),
            std::slice::from_ref(&event),
            correlation_id,
            now,
        )?;
        Ok(Decision::new(changes, response))
    })
    .await)
}

async fn patch(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let body: PatchBody = http::json_body(req)?;
    if body.assignee.is_none() && body.tags.is_none() {
        return Err(Problem::invalid("assignee", "give assignee, tags or both"));
    }
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().conversation(&id), |loaded| {
        let before = loaded_conversation(loaded, &id)?;
        let now = chrono::Utc::now();
        let mut next = before.clone().into_inner();
        if let Some(assignee) = &body.assignee {
            next = conversation::change(&next, Change::Assign(assignee.clone()), now).map_err(conversation_problem)?;
        }
        if let Some(tags) = &body.tags {
            next = conversation::change(&next, Change::Tags(tags.clone()), now).map_err(conversation_problem)?;
        }
        let response = respond(StatusCode::OK, &next, None)?;
        let mut changes = ctx.store.changes();
        changes.conversation(Some(&before), &next)?;
        Ok(Decision::new(changes, response))
    })
    .await)
}

async fn note(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let body: NoteBody = http::json_body(req)?;
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().conversation(&id), |loaded| {
        let before = loaded_conversation(loaded, &id)?;
        let (next, message) =
            conversation::note(&before, MessageId::new(), &caller.subject, &body.text, chrono::Utc::now())
                .map_err(conversation_problem)?;
        let response = respond(StatusCode::CREATED, &message, None)?;
        let mut changes = ctx.store.changes();
        changes.conversation(Some(&before), &next)?.message(&message)?;
        Ok(Decision::new(changes, response))
    })
    .await)
}

async fn set_state(ctx: &AppContext, req: &Request, change: Change) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().conversation(&id), |loaded| {
        let before = loaded_conversation(loaded, &id)?;
        let next = conversation::change(&before, change.clone(), chrono::Utc::now()).map_err(conversation_problem)?;
        let response = respond(StatusCode::OK, &next, None)?;
        let mut changes = ctx.store.changes();
        changes.conversation(Some(&before), &next)?;
        Ok(Decision::new(changes, response))
    })
    .await)
}
