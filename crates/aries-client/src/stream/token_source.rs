//! Where a stream gets the access token it authenticates with.

use std::future::Future;
use std::sync::Arc;

use crate::error::Result;
use crate::secret::Secret;
use crate::tokens::{TokenManager, TokenPersistence};

/// Hands out access tokens. A stream asks for one at every authentication
/// (connect and `refreshAuth`), so a refreshed token is picked up.
pub trait TokenSource: Send + Sync + 'static {
    /// A currently valid access token; [`Error::SessionExpired`](crate::Error::SessionExpired)
    /// when only a new sign-in can produce one.
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send;

    /// The server refused `token`: the next [`access_token`](Self::access_token)
    /// must not hand it out again.
    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send;
}

impl<P: TokenPersistence + 'static> TokenSource for TokenManager<P> {
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send {
        TokenManager::access_token(self)
    }

    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send {
        self.invalidate(token)
    }
}

/// The shell shares one token manager between REST and both streams.
impl<T: TokenSource> TokenSource for Arc<T> {
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send {
        (**self).access_token()
    }

    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send {
        (**self).rejected(token)
    }
}
