//! API errors: a status and a JSON body `{status, error, message, field}` naming the bad field.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer of the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What is wrong, in words.
    pub message: String,
    /// The query parameter or body field at fault, when one is.
    pub field: Option<String>,
}

impl ApiError {
    /// A 400 answer about `field`.
    pub fn bad(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// An answer with `status` and no field.
    pub fn status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: None,
        }
    }

    /// A 404 answer.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::status(StatusCode::NOT_FOUND, message)
    }

    /// The machine key of the status (`bad_request`, `not_found`...).
    fn key(&self) -> String {
        self.status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .replace([' ', '-'], "_")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "status": self.status.as_u16(),
            "error": self.key(),
            "message": self.message,
            "field": self.field,
        });
        (self.status, axum::Json(body)).into_response()
    }
}
