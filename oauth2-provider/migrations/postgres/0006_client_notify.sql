-- Every change to a client, whoever makes it (a node, an admin tool, plain SQL), tells every
-- node to forget its cached copy (ClientCache). The channel is the schema's; a name cut at
-- PostgreSQL's 63 bytes may be shared by two schemas, which costs only extra forgetting. An
-- empty payload means "forget them all": a truncation, or an id too long for a payload.
CREATE FUNCTION oauth_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  channel text := left('oauth_clients.' || TG_TABLE_SCHEMA, 63);
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify(channel, '');
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify(channel, CASE WHEN octet_length(OLD.client_id) > 7000 THEN '' ELSE OLD.client_id END);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify(channel, CASE WHEN octet_length(NEW.client_id) > 7000 THEN '' ELSE NEW.client_id END);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER oauth_clients_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_clients
  FOR EACH ROW EXECUTE FUNCTION oauth_clients_changed();
CREATE TRIGGER oauth_clients_truncated AFTER TRUNCATE ON oauth_clients
  FOR EACH STATEMENT EXECUTE FUNCTION oauth_clients_changed();
