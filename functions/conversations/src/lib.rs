//! `conversations`: the service inbox.
//! * `POST /conversations` — the storefront's contact form (`conversations:write`, a system
//!   scope): e-mail, name, subject, text and an optional order. The order, and its customer,
//!   are linked only when the order's customer holds the address the form gives: a form is
//!   typed by anyone, and an address alone proves nothing.
//! * `GET /conversations?state=` and `GET /conversations/{id}` (`customers:read`): the lists by
//!   state, most recently changed first, and a thread.
//! * `POST /conversations/{id}/notes`, `/close`, `/reopen` (`customers:write`): internal notes
//!   (never sent) and the conversation's state.
//!
//! Conversations hold personal data (the correspondent's address, name and words): they are
//! never logged.

use backoffice::AppContext;
use backoffice::domain::conversation::{self, Change, Channel, Conversation, ConversationError, Inbound, State};
use backoffice::domain::{ConversationId, MessageId, OrderId};
use backoffice::http::command::{self, Decision, Idempotency, Loaded, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::Versioned;
use backoffice::store::loaded::Reads;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("conversations", req, |req, _| async move {
        match http::route_key(&req).as_str() {
            "POST /conversations" => contact(ctx, &req).await,
            "GET /conversations" => list(ctx, &req).await,
            "GET /conversations/{id}" => thread(ctx, &req).await,
            "POST /conversations/{id}/notes" => note(ctx, &req).await,
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

#[derive(Serialize)]
struct Thread<'a> {
    conversation: &'a Conversation,
    messages: &'a [conversation::Message],
    version: u64,
}

fn conversation_problem(e: ConversationError) -> Problem {
    match e {
        ConversationError::Invalid(f) => f.into(),
        ConversationError::Erased => {
            Problem::conflict("conversation-erased", "The conversation was erased", e.to_string())
        }
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
    http::only_query_params(req, &["state", "limit", "cursor"])?;
    let state = match http::query_param(req, "state") {
        Some(raw) => State::parse("state", &raw)?,
        None => State::Open,
    };
    let limit = backoffice::store::page::parse_limit(http::query_param(req, "limit").as_deref())?;
    let cursor = http::query_param(req, "cursor");
    let page = ctx.store.conversations(state, limit, cursor.as_deref()).await?;
    Ok(http::json(StatusCode::OK, &page))
}

async fn thread(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::CUSTOMERS_READ)?;
    http::only_query_params(req, &[])?;
    let id = http::path_id(req, "id", ConversationId::parse)?;
    let (c, messages) = ctx.store.thread(&id).await?.ok_or_else(|| Problem::missing("conversation", &id))?;
    Ok(http::json(StatusCode::OK, &Thread { conversation: &c, messages: &messages, version: c.version() }))
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
