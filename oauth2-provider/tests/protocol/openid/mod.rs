//! OpenID Connect, black-box through `Server::handle`: each test names the OpenID Foundation
//! conformance module (Basic OP, Config OP) or the spec section it reproduces.

mod endpoints;
mod flow;
mod jwt_access;
mod prompt;
mod support;
