//! Many nodes on one store: two example-server processes share one PostgreSQL schema (two
//! share one MySQL database, two one Redis key prefix, on one Redis and on a Redis Cluster)
//! behind one issuer. Whatever one node issues, the other honours, and
//! single use holds across them: a code redeemed at both at once yields one token.
#![cfg(all(feature = "postgres", feature = "mysql", feature = "redis"))]

use crate::process::{Namespace, ServerProcess, Service};
use crate::sign_in::{authorization_code, redeem};
use oauth2::reqwest::StatusCode;
use oauth2_provider::store::testing as support_services;

#[tokio::test]
async fn two_nodes_on_postgres() {
    let Some(namespace) =
        Namespace::open("cluster::two_nodes_on_postgres", Service::Postgres).await
    else {
        return;
    };
    two_nodes_share_one_store(&namespace).await;
}

#[tokio::test]
async fn two_nodes_on_mysql() {
    let Some(namespace) = Namespace::open("cluster::two_nodes_on_mysql", Service::Mysql).await
    else {
        return;
    };
    two_nodes_share_one_store(&namespace).await;
}

#[tokio::test]
async fn two_nodes_on_redis() {
    let Some(namespace) = Namespace::open("cluster::two_nodes_on_redis", Service::Redis).await
    else {
        return;
    };
    two_nodes_share_one_store(&namespace).await;
}

/// The same over a three-primary Redis Cluster of the test's own (`redis+cluster://`), where a
/// grant family's records share the hash slot of its tag, so single use holds as on one Redis.
#[tokio::test]
async fn two_nodes_on_redis_cluster() {
    const TEST: &str = "cluster::two_nodes_on_redis_cluster";
    let Some(cluster) = support_services::RedisCluster::start(TEST).await else {
        return;
    };
    let namespace = Namespace::in_cluster(&cluster);
    two_nodes_share_one_store(&namespace).await;
    // The servers are gone; the cluster, and every key, goes next.
    drop(namespace);
    drop(cluster);
}

/// A code issued by A is redeemed at B; B's token works at A; A's token is introspected and
/// revoked at B, after which A refuses it; one code sent to both at once yields one token.
async fn two_nodes_share_one_store(namespace: &Namespace) {
    let fixtures = crate::process::Fixtures::new();
    let mut flags = namespace.store_args();
    flags.extend(["--fixtures".into(), fixtures.path().into()]);
    // A first: the schema and its migrations exist before B starts.
    let a = ServerProcess::start(&flags).await;
    flags.extend(["--issuer".into(), a.issuer().into()]);
    let b = ServerProcess::start(&flags).await;
    let (a, b) = (a.url(""), b.url(""));
    let http = crate::process::http();

    // Issued by A, redeemed at B.
    let code = authorization_code(&http, &a).await;
    let issued = redeem(&http, &b, &code).await;
    assert_eq!(issued.status, StatusCode::OK, "{issued:?}");
    let (access_b, refresh_b) = (issued.str("access_token"), issued.str("refresh_token"));

    // B's token is valid at A, for the API and for introspection.
    let api = crate::process::notes(&http, &a, access_b).await;
    assert_eq!(api.status, StatusCode::OK, "{api:?}");
    let introspected = crate::process::post(&http, &a, "/introspect", &[("token", access_b)]).await;
    assert_eq!(introspected.body["active"], true, "{introspected:?}");
    assert_eq!(introspected.body["sub"], crate::process::USERNAME);

    // B's refresh token rotates at A; A's token is valid, introspected and revoked at B.
    let rotated = crate::process::post(
        &http,
        &a,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_b),
        ],
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{rotated:?}");
    let access_a = rotated.str("access_token");
    assert_eq!(
        crate::process::notes(&http, &b, access_a).await.status,
        StatusCode::OK
    );
    let introspected = crate::process::post(&http, &b, "/introspect", &[("token", access_a)]).await;
    assert_eq!(introspected.body["active"], true, "{introspected:?}");
    let revoked = crate::process::post(&http, &b, "/revoke", &[("token", access_a)]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{revoked:?}");

    // A sees the revocation at once: there is no cache between a node and the store.
    let refused = crate::process::notes(&http, &a, access_a).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{refused:?}");
    let challenge = refused.www_authenticate.as_deref().unwrap_or_default();
    assert!(challenge.contains("error=\"invalid_token\""), "{refused:?}");
    let introspected = crate::process::post(&http, &a, "/introspect", &[("token", access_a)]).await;
    assert_eq!(introspected.body, serde_json::json!({ "active": false }));

    // One code, both nodes at once: exactly one token. The loser's replay then revokes what the
    // winner got (RFC 6749 §4.1.2), at both nodes.
    for round in 0..3 {
        let issuer_node = if round % 2 == 0 { &a } else { &b };
        let code = authorization_code(&http, issuer_node).await;
        let (at_a, at_b) = tokio::join!(redeem(&http, &a, &code), redeem(&http, &b, &code));
        let (won, lost) = match (at_a.status, at_b.status) {
            (StatusCode::OK, _) => (at_a, at_b),
            (_, StatusCode::OK) => (at_b, at_a),
            _ => panic!("round {round}: no node issued a token: {at_a:?} {at_b:?}"),
        };
        assert_eq!(
            lost.status,
            StatusCode::BAD_REQUEST,
            "round {round}: {lost:?}"
        );
        assert_eq!(
            lost.error(),
            Some("invalid_grant"),
            "round {round}: {lost:?}"
        );
        assert!(lost.body.get("access_token").is_none(), "{lost:?}");
        let winner = won.str("access_token");
        for node in [&a, &b] {
            let api = crate::process::notes(&http, node, winner).await;
            assert_eq!(
                api.status,
                StatusCode::UNAUTHORIZED,
                "round {round}: {api:?}"
            );
        }
    }
}
