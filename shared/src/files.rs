//! The private buckets and their short-lived links.
//! * The exports bucket (`EXPORTS_BUCKET`): export jobs write their files there, and the API
//!   hands out links to them; its lifecycle rule deletes them after `domain::export::KEPT_DAYS`.
//! * The mail bucket (`MAIL_BUCKET`): SES stores each inbound e-mail under `inbound/` (deleted
//!   by the lifecycle rule after `INBOUND_KEPT_DAYS`), and the inbox keeps the attachments it
//!   accepted under `attachments/`, which staff open through links.
//!
//! Objects are private and encrypted (template.yaml).

use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

/// A file part as S3 takes it: at least 5 MiB except the last. 8 MiB bounds what one export
/// holds in memory, whatever its size, at up to 80 GB per file (S3's 10,000 parts).
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// How long a download link works. A link signed with a Lambda role's session credentials
/// stops working when they expire, which may be sooner; asking again gives a fresh one.
pub const LINK_SECONDS: u64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
#[error("bucket: {0}")]
pub struct FileError(String);

/// Where SES stores inbound e-mail in the mail bucket, and where the inbox keeps attachments.
pub const INBOUND_PREFIX: &str = "inbound/";
pub const ATTACHMENTS_PREFIX: &str = "attachments/";

fn failed(what: &str, e: impl std::fmt::Display) -> FileError {
    FileError(format!("{what}: {e}"))
}

#[derive(Clone, Debug)]
pub struct Bucket {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// The exports bucket of a function given `EXPORTS_BUCKET`: the context's client if it has one,
/// else one built at first use and kept for the life of the process (one context per process
/// on Lambda).
pub fn of(ctx: &crate::AppContext) -> Option<&Bucket> {
    static BUILT: std::sync::OnceLock<Option<Bucket>> = std::sync::OnceLock::new();
    ctx.files.as_ref().or_else(|| {
        BUILT.get_or_init(|| ctx.exports_bucket.clone().map(|bucket| Bucket::new(&ctx.sdk, bucket))).as_ref()
    })
}

/// The mail bucket of a function given `MAIL_BUCKET` (see [`of`]).
pub fn mail_of(ctx: &crate::AppContext) -> Option<&Bucket> {
    static BUILT: std::sync::OnceLock<Option<Bucket>> = std::sync::OnceLock::new();
    ctx.mailbox
        .as_ref()
        .or_else(|| BUILT.get_or_init(|| ctx.mail_bucket.clone().map(|bucket| Bucket::new(&ctx.sdk, bucket))).as_ref())
}

/// The S3 client's configuration. An endpoint override is an emulator on a loopback address
/// (moto locally), which has no per-bucket host names: buckets are addressed by path there;
/// AWS gets virtual hosts.
pub fn s3_config(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::from(sdk).force_path_style(sdk.endpoint_url().is_some())
}

impl Bucket {
    pub fn new(sdk: &aws_config::SdkConfig, bucket: String) -> Self {
        Self::from_client(aws_sdk_s3::Client::from_conf(s3_config(sdk).build()), bucket)
    }

    pub fn from_client(client: aws_sdk_s3::Client, bucket: String) -> Self {
        Self { client, bucket }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// A new file at `key`, written in parts as it grows.
    pub fn create(&self, key: &str, file_name: &str) -> Upload<'_> {
        Upload {
            files: self,
            key: key.to_owned(),
            disposition: attachment(file_name),
            buffer: Vec::new(),
            multipart: None,
            bytes: 0,
        }
    }

    /// A link that downloads the file under its name for [`LINK_SECONDS`]. Signed here, with
    /// no call to S3.
    pub async fn link(&self, key: &str, file_name: &str) -> Result<String, FileError> {
        self.presigned_download(key, file_name, None).await
    }

    /// A signed `GetObject` that downloads `key` as `file_name` (as `content_type`, when given).
    async fn presigned_download(
        &self,
        key: &str,
        file_name: &str,
        content_type: Option<&str>,
    ) -> Result<String, FileError> {
        let config = PresigningConfig::expires_in(std::time::Duration::from_secs(LINK_SECONDS))
            .map_err(|e| failed("link", e))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(attachment(file_name))
            .set_response_content_type(content_type.map(str::to_owned))
            .presigned(config)
            .await
            .map_err(|e| failed("link", e))?;
        Ok(request.uri().to_owned())
    }
}

/// What a bounded read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Missing,
    /// Larger than the read allows: left unread.
    TooLarge,
    Bytes(Vec<u8>),
}

impl Bucket {
    /// The object at `key`, refused unread when it is larger than `max` bytes.
    pub async fn read(&self, key: &str, max: usize) -> Result<Stored, FileError> {
        let got = self.client.get_object().bucket(&self.bucket).key(key).send().await;
        let object = match got {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(Stored::Missing),
            Err(e) => return Err(failed("reading", DisplayErrorContext(e))),
        };
        if object.content_length.is_some_and(|n| n < 0 || n as u64 > max as u64) {
            return Ok(Stored::TooLarge);
        }
        let bytes = object.body.collect().await.map_err(|e| failed("reading", e))?.into_bytes();
        if bytes.len() > max {
            return Ok(Stored::TooLarge);
        }
        Ok(Stored::Bytes(bytes.to_vec()))
    }

    /// Writes a small file (an attachment) in one request.
    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), FileError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| failed("writing", DisplayErrorContext(e)))?;
        Ok(())
    }

    /// Deletes objects (absent ones too: S3 answers a delete of nothing with success).
    pub async fn delete(&self, keys: &[String]) -> Result<(), FileError> {
        for key in keys {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| failed("deleting", DisplayErrorContext(e)))?;
        }
        Ok(())
    }

    /// A link that downloads a file a customer sent, for [`LINK_SECONDS`], served as the type
    /// its bytes showed and always as a download, so a browser never renders it as a page.
    pub async fn download_link(&self, key: &str, file_name: &str, content_type: &str) -> Result<String, FileError> {
        self.presigned_download(key, file_name, Some(content_type)).await
    }
}

fn attachment(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"")
}

/// A file being written: one `PutObject` when it stays under a part, a multipart upload when
/// it grows past one. Dropped without [`Upload::finish`], nothing is visible at the key; a
/// multipart upload left behind is aborted by [`Upload::abort`] or, failing that, by the
/// bucket's lifecycle rule for incomplete uploads.
pub struct Upload<'a> {
    files: &'a Bucket,
    key: String,
    disposition: String,
    buffer: Vec<u8>,
    multipart: Option<(String, Vec<CompletedPart>)>,
    bytes: u64,
}

const CSV: &str = "text/csv; charset=utf-8";

impl Upload<'_> {
    pub async fn write(&mut self, data: &[u8]) -> Result<(), FileError> {
        self.buffer.extend_from_slice(data);
        self.bytes += data.len() as u64;
        while self.buffer.len() >= PART_BYTES {
            let rest = self.buffer.split_off(PART_BYTES);
            let part = std::mem::replace(&mut self.buffer, rest);
            self.send_part(part).await?;
        }
        Ok(())
    }

    async fn send_part(&mut self, part: Vec<u8>) -> Result<(), FileError> {
        let s3 = &self.files.client;
        if self.multipart.is_none() {
            let created = s3
                .create_multipart_upload()
                .bucket(&self.files.bucket)
                .key(&self.key)
                .content_type(CSV)
                .content_disposition(&self.disposition)
                .send()
                .await
                .map_err(|e| failed("starting the upload", DisplayErrorContext(e)))?;
            let id = created.upload_id.ok_or_else(|| FileError("no upload id".into()))?;
            self.multipart = Some((id, Vec::new()));
        }
        let Some((upload_id, parts)) = &mut self.multipart else { unreachable!("started above") };
        let number = parts.len() as i32 + 1;
        let sent = s3
            .upload_part()
            .bucket(&self.files.bucket)
            .key(&self.key)
            .upload_id(upload_id.as_str())
            .part_number(number)
            .body(ByteStream::from(part))
            .send()
            .await
            .map_err(|e| failed("sending a part", DisplayErrorContext(e)))?;
        parts.push(CompletedPart::builder().set_e_tag(sent.e_tag).part_number(number).build());
        Ok(())
    }

    /// Makes the file visible at its key; its size in bytes.
    pub async fn finish(mut self) -> Result<u64, FileError> {
        let s3 = &self.files.client;
        if self.multipart.is_none() {
            s3.put_object()
                .bucket(&self.files.bucket)
                .key(&self.key)
                .content_type(CSV)
                .content_disposition(&self.disposition)
                .body(ByteStream::from(std::mem::take(&mut self.buffer)))
                .send()
                .await
                .map_err(|e| failed("writing the file", DisplayErrorContext(e)))?;
            return Ok(self.bytes);
        }
        if !self.buffer.is_empty() {
            let last = std::mem::take(&mut self.buffer);
            self.send_part(last).await?;
        }
        let Some((upload_id, parts)) = self.multipart.take() else { unreachable!("checked above") };
        s3.complete_multipart_upload()
            .bucket(&self.files.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(|e| failed("completing the upload", DisplayErrorContext(e)))?;
        Ok(self.bytes)
    }

    /// Gives up: the parts sent so far are deleted.
    pub async fn abort(self) {
        if let Some((upload_id, _)) = self.multipart {
            let aborted = self
                .files
                .client
                .abort_multipart_upload()
                .bucket(&self.files.bucket)
                .key(&self.key)
                .upload_id(upload_id)
                .send()
                .await;
            if let Err(e) = aborted {
                tracing::warn!(key = %self.key, error = %e, "abandoned upload left to the lifecycle rule");
            }
        }
    }
}
