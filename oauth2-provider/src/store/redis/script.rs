//! The Lua scripts behind every operation that touches several keys, and the records they write.
//! On a cluster the keys of one script are of one grant family, so in one hash slot.

use std::sync::LazyLock;

use redis::{Script, ScriptInvocation};

use crate::store::row::{CodeRow, TokenRow};

/// The Lua function every indexing script starts with.
macro_rules! lua_index {
    () => {
        r#"
-- Adds `key` to the grant's index, which must outlive every member: it expires with the last
-- of them, or never if one never does.
-- One read before the write says both whether the index exists and when it expires.
local function index(grant, key, at)
  local current = redis.call('PEXPIRETIME', grant) -- -2: no index yet, -1: kept forever
  redis.call('SADD', grant, key)
  if at < 0 then
    if current >= 0 then redis.call('PERSIST', grant) end
  elseif current == -2 or (current >= 0 and current < at) then
    redis.call('PEXPIREAT', grant, at)
  end
end
"#
    };
}

/// The Lua both record-writing scripts start with.
macro_rules! lua_prelude {
    () => {
        concat!(
            lua_index!(),
            r#"
-- Writes the record at ARGV[i] (expiry in ms since the epoch or -1 for never, the number of
-- field and value arguments, then those) to `key`, indexed under `grant`. Returns the index
-- of the next record's arguments.
local function put(key, grant, i)
  local at = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 1])
  redis.call('HSET', key, unpack(ARGV, i + 2, i + 1 + n))
  if at >= 0 then redis.call('PEXPIREAT', key, at) end
  index(grant, key, at)
  return i + 2 + n
end
"#
        )
    };
}

/// KEYS: the grant index, then one key per record in ARGV. Returns 1.
pub(super) static INSERT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        lua_prelude!(),
        r#"
local i = 1
for k = 2, #KEYS do i = put(KEYS[k], KEYS[1], i) end
return 1
"#
    ))
});

/// KEYS: the grant index, the code or refresh token to consume, then one key per successor
/// in ARGV. Returns 0 (missing), 1 (already used) or 2 (done).
pub(super) static CONSUME: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        lua_prelude!(),
        r#"
local used = redis.call('HGET', KEYS[2], 'used')
if not used then return 0 end
if used == '1' then return 1 end
redis.call('HSET', KEYS[2], 'used', '1')
local i = 1
for k = 3, #KEYS do i = put(KEYS[k], KEYS[1], i) end
return 2
"#
    ))
});

/// KEYS: the grant index. Deletes it and every key it lists.
pub(super) static REVOKE_GRANT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local members = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(members) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #members
"#,
    )
});

/// KEYS: a state record. ARGV: the expected version, now (µs), the new version, the value,
/// its expiry (µs) and when the key expires (ms since the epoch). Returns 1 if it was live at
/// the expected version and is replaced, 0 otherwise.
pub(super) static SWAP_STATE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local current = redis.call('HMGET', KEYS[1], 'version', 'expires_at')
if current[1] ~= ARGV[1] or not current[2] then return 0 end
if tonumber(current[2]) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'value', ARGV[4], 'version', ARGV[3], 'expires_at', ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ARGV[6])
return 1
"#,
    )
});

/// KEYS: a state record. Deletes it; returns its fields, none if it was missing.
pub(super) static TAKE_STATE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('DEL', KEYS[1]) end
return fields
"#,
    )
});

/// KEYS: a state record. Deletes it; returns its expiry (µs), or nil if it was missing.
pub(super) static DELETE_STATE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"
local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
redis.call('DEL', KEYS[1])
return expires_at
"#,
    )
});

/// A record on its way to a script: expiry and fields.
pub(super) struct Record {
    pub(super) key: String,
    pub(super) expires_ms: i64,
    fields: Vec<(&'static str, Vec<u8>)>,
}

impl Record {
    pub(super) fn push(&self, invocation: &mut ScriptInvocation<'_>) {
        invocation.arg(self.expires_ms).arg(2 * self.fields.len());
        for (name, value) in &self.fields {
            invocation.arg(*name).arg(value.as_slice());
        }
    }
}

/// Milliseconds for `PEXPIREAT`, rounded up so a key never goes before its record expires.
pub(super) fn expiry_ms(micros: Option<i64>) -> i64 {
    micros.map_or(-1, |m| {
        m.div_euclid(1000) + i64::from(m.rem_euclid(1000) != 0)
    })
}

pub(super) fn code_record(key: String, row: CodeRow) -> Record {
    let mut fields = vec![
        ("grant_id", row.grant_id),
        ("client_id", row.client_id.into_bytes()),
        ("subject", row.subject.into_bytes()),
        ("scope", row.scope.into_bytes()),
        ("expires_at", row.expires_at.to_string().into_bytes()),
        ("used", b"0".to_vec()),
    ];
    let optional = [
        ("redirect_uri", row.redirect_uri),
        ("challenge_method", row.challenge_method),
        ("challenge", row.challenge),
        ("extras", row.extras),
    ];
    fields.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?.into_bytes()))),
    );
    Record {
        key,
        expires_ms: expiry_ms(Some(row.expires_at)),
        fields,
    }
}

pub(super) fn token_record(key: String, row: TokenRow, consumable: bool) -> Record {
    let mut fields = vec![
        ("grant_id", row.grant_id),
        ("client_id", row.client_id.into_bytes()),
        ("scope", row.scope.into_bytes()),
    ];
    if let Some(subject) = row.subject {
        fields.push(("subject", subject.into_bytes()));
    }
    if let Some(at) = row.expires_at {
        fields.push(("expires_at", at.to_string().into_bytes()));
    }
    if let Some(extras) = row.extras {
        fields.push(("extras", extras.into_bytes()));
    }
    if consumable {
        fields.push(("used", b"0".to_vec()));
    }
    Record {
        key,
        expires_ms: expiry_ms(row.expires_at),
        fields,
    }
}
