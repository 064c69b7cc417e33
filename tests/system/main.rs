//! The system tests: the example server, in process and as real child processes, driven over
//! HTTP by real clients: a browser, the `oauth2` crate, many nodes over one store, SIGKILL and
//! outages, client admin. One test binary: each links the whole server.

mod example;
mod process;
#[path = "process/sign_in.rs"]
mod sign_in;

mod accessibility;
mod admin;
mod browser;
mod cluster;
mod device;
mod dpop_client;
mod durability;
mod fapi;
mod fapi_client;
mod interface;
mod interop;
mod jwt_bearer;
mod keys;
mod mcp;
mod mcp_conformance;
mod mcp_example;
mod minimal;
mod npm;
mod openid;
mod openid_client;
mod outage;
mod own_clients;
mod pacing;
mod pages;
mod par;
mod resource_server;
mod slow_clients;
mod token_exchange;
