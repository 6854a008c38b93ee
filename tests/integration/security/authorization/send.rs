//! Sending one request as each kind of caller.

use reqwest::Method;
use serde_json::Value;

use super::rules::Who;
use super::world::Ctx;
use crate::harness::Reply;

impl Ctx {
    /// Sends the request as `who`; malformed credentials come in several shapes, each sent.
    pub(super) async fn send(
        &self,
        who: Who,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Vec<(String, Reply)> {
        let method: Method = method.parse().unwrap();
        let admin = self.admin();
        let headers: Vec<(String, Option<String>)> = match who {
            Who::NoToken => vec![("no Authorization header".into(), None)],
            Who::Malformed => [
                "Basic YWRtaW46c2VjcmV0".to_owned(),
                "Bearer".to_owned(),
                "Bearer short".to_owned(),
                format!("Token {admin}"),
                admin.clone(),
                format!("Bearer {admin}x"),
                format!("Bearer {admin} {admin}"),
                format!("Bearer \"{admin}\""),
            ]
            .into_iter()
            .map(|h| (format!("Authorization: {h}"), Some(h)))
            .collect(),
            _ => vec![(
                format!("{who:?}"),
                Some(format!("Bearer {}", self.tokens[&who])),
            )],
        };
        let mut replies = Vec::new();
        for (label, header) in headers {
            let mut request = self.api.http.request(method.clone(), self.api.url(path));
            if let Some(h) = header {
                request = request.header("authorization", h);
            }
            match body {
                Some(Value::String(csv)) => {
                    request = request.header("content-type", "text/csv").body(csv.clone());
                }
                Some(body) => request = request.json(body),
                None => {}
            }
            let reply = crate::harness::read_reply(request.send().await.expect("an answer"))
                .await
                .expect("a body");
            replies.push((label, reply));
        }
        replies
    }
}
