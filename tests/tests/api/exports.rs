//! Exports: a job accepted at once, written by the worker to the bucket, downloaded through
//! its link as a spreadsheet would read it.

use backoffice_tests::{JSON, Reply, TestApp, spawn_app};
use serde_json::json;

async fn request(t: &TestApp, body: serde_json::Value) -> Reply {
    t.call("POST", "/exports", &[JSON], &body.to_string()).await
}

/// Asks for an export, lets the worker run and returns the finished job.
async fn exported(t: &TestApp, body: serde_json::Value) -> serde_json::Value {
    let accepted = request(t, body).await;
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    assert_eq!(accepted.body["status"], "queued");
    let id = accepted.body["id"].as_str().unwrap().to_owned();
    let location = accepted.headers.get("location").and_then(|v| v.to_str().ok());
    assert_eq!(location, Some(format!("/exports/{id}").as_str()));
    t.app.settle().await.unwrap();
    let job = t.get(&format!("/exports/{id}")).await;
    assert_eq!(job.status, 200, "{}", job.text);
    assert_eq!(job.body["status"], "done", "{}", job.text);
    job.body
}

/// The file behind a job's link, fetched as a browser would (plain HTTP to moto here).
async fn download(job: &serde_json::Value) -> Vec<u8> {
    let url = job["download"]["url"].as_str().expect("a done job has a link");
    let (status, body) = backoffice_tests::http_get(url).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    body
}

fn lines(file: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(file).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark first, for spreadsheets");
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    text.split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[tokio::test]
async fn the_catalogue_downloads_as_a_spreadsheet_with_formulas_neutralised() {
    let t = spawn_app().await;
    for (sku, name) in [("EXP-1", "=HYPERLINK(\"http://evil\")"), ("EXP-2", "Caneca São Paulo, 300 ml")] {
        let body = json!({"name": name, "unit_price": {"amount": 3990, "currency": "BRL"},
                          "reorder_point": 2, "reorder_quantity": 5});
        assert_eq!(t.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await.status, 201);
    }
    t.adjust("EXP-1", json!({"delta": 7, "reason": "received"})).await;
    let job = exported(&t, json!({"kind": "catalog"})).await;
    assert_eq!((job["rows"].as_u64(), job["spec"]["kind"].as_str()), (Some(2), Some("catalog")), "{job}");
    let file = download(&job).await;
    assert_eq!(job["bytes"].as_u64(), Some(file.len() as u64));
    assert_eq!(
        lines(&file),
        [
            "sku,name,unit_price,currency,reorder_point,reorder_quantity,on_hand,reserved,available",
            r#"EXP-1,"'=HYPERLINK(""http://evil"")",39.90,BRL,2,5,7,0,7"#,
            r#"EXP-2,"Caneca São Paulo, 300 ml",39.90,BRL,2,5,0,0,0"#,
        ]
    );
}

#[tokio::test]
async fn orders_export_one_row_per_line_within_the_range_and_receivables_what_is_owed() {
    let t = spawn_app().await;
    t.stocked("EXO-1", 10, 1000, "BRL", 0).await;
    t.stocked("EXO-2", 10, 250, "BRL", 0).await;
    let two_lines = t.place_order(&[("EXO-1", 2), ("EXO-2", 1)], None).await.body;
    let paid = t.place_order(&[("EXO-2", 4)], None).await.body;
    t.pay(paid["id"].as_str().unwrap(), 1000, "gw-exo").await;
    let today = chrono::Utc::now().date_naive();

    let job = exported(&t, json!({"kind": "orders", "from": today.to_string(), "to": today.to_string()})).await;
    assert_eq!(job["rows"].as_u64(), Some(3), "{job}");
    let rows = lines(&download(&job).await);
    assert!(rows[0].starts_with("order_id,placed_at,customer_id,status,payment_status,fulfillment_status,line,sku"));
    let id = two_lines["id"].as_str().unwrap();
    let mine: Vec<&String> = rows.iter().filter(|r| r.starts_with(id)).collect();
    assert_eq!(mine.len(), 2, "{rows:?}");
    assert!(mine[0].contains(",1,EXO-1,Product EXO-1,2,10.00,20.00,22.50,0.00,0.00,BRL"), "{}", mine[0]);
    assert!(mine[1].contains(",2,EXO-2,Product EXO-2,1,2.50,2.50,22.50,0.00,0.00,BRL"), "{}", mine[1]);

    let past = exported(&t, json!({"kind": "orders", "from": "2020-01-01", "to": "2020-01-31"})).await;
    assert_eq!(past["rows"].as_u64(), Some(0));
    assert_eq!(lines(&download(&past).await).len(), 1, "the header alone");

    let owed = exported(&t, json!({"kind": "receivables"})).await;
    let rows = lines(&download(&owed).await);
    assert_eq!(rows.len(), 2, "the unpaid order only: {rows:?}");
    assert!(rows[1].starts_with(id) && rows[1].ends_with(",22.50,0.00,22.50,BRL"), "{}", rows[1]);
}

#[tokio::test]
async fn a_bad_request_names_its_field_and_writes_nothing() {
    let t = spawn_app().await;
    let before = t.table_items().await.len();
    for (body, field) in [
        (json!({"kind": "customers"}), "kind"),
        (json!({"kind": "orders", "from": "2026-12-01"}), "to"),
        (json!({"kind": "orders", "from": "2026-12-02", "to": "2026-12-01"}), "to"),
        (json!({"kind": "orders", "from": "2024-01-01", "to": "2026-12-01"}), "to"),
        (json!({"kind": "orders", "from": "01/12/2026", "to": "2026-12-01"}), "from"),
        (json!({"kind": "catalog", "from": "2026-12-01"}), "from"),
        (json!({"kind": "catalog", "format": "xlsx"}), "format"),
    ] {
        let r = request(&t, body.clone()).await;
        assert_eq!(r.problem(422)["field"], field, "{body}: {}", r.text);
    }
    assert_eq!(t.table_items().await.len(), before, "nothing written");
    assert_eq!(t.get("/exports/not-an-id").await.problem(422)["field"], "id");
    assert_eq!(t.get("/exports/01JDZZZZZZZZZZZZZZZZZZZZZZ").await.status, 404);
}

#[tokio::test]
async fn a_repeated_request_with_its_key_is_the_same_job() {
    let t = spawn_app().await;
    let key = [JSON, ("idempotency-key", "export-once")];
    let first = t.call("POST", "/exports", &key, r#"{"kind":"receivables"}"#).await;
    let again = t.call("POST", "/exports", &key, r#"{"kind":"receivables"}"#).await;
    assert_eq!((first.status, again.status), (202, 202), "{}", again.text);
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    t.app.settle().await.unwrap();
    assert_eq!(t.get(&format!("/exports/{}", first.body["id"].as_str().unwrap())).await.body["status"], "done");
}

/// A file larger than one part goes up as a multipart upload and comes down whole.
#[tokio::test]
async fn a_file_larger_than_a_part_is_uploaded_in_parts() {
    let t = spawn_app().await;
    let bucket = t.app.contexts["ExportWorkerFunction"].files.as_ref().expect("the worker has the bucket").bucket();
    let counter = backoffice_tests::CallCounter::default();
    let config = backoffice::files::s3_config(&t.app.sdk).interceptor(counter.clone()).build();
    let files = backoffice::files::Bucket::from_client(aws_sdk_s3::Client::from_conf(config), bucket.to_owned());
    let line: Vec<u8> = b"0123456789abcdef".repeat(64);
    let total = backoffice::files::PART_BYTES + backoffice::files::PART_BYTES / 2;
    let mut upload = files.create("exports/test/large.csv", "large.csv");
    let mut sent = Vec::with_capacity(total);
    while sent.len() < total {
        upload.write(&line).await.unwrap();
        sent.extend_from_slice(&line);
    }
    assert_eq!(upload.finish().await.unwrap(), sent.len() as u64);
    assert_eq!(counter.calls(), ["CreateMultipartUpload", "UploadPart", "UploadPart", "CompleteMultipartUpload"]);
    let link = files.link("exports/test/large.csv", "large.csv").await.unwrap();
    let (status, body) = backoffice_tests::http_get(&link).await;
    assert_eq!(status, 200);
    assert!(body == sent, "{} bytes came back for {} sent", body.len(), sent.len());
}
