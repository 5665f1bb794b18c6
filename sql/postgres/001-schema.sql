-- cdc_db schema: the original pipeline's tables, soft delete and cascade trigger, plus what
-- change data capture needs (REPLICA IDENTITY FULL and the publication Debezium reads).
-- Idempotent: safe to apply to a database that already has it.

CREATE TABLE IF NOT EXISTS users (
    id          uuid PRIMARY KEY,
    name        varchar(50) NOT NULL,
    dob         date NOT NULL,
    created_at  timestamptz,
    modified_at timestamptz,
    is_deleted  boolean NOT NULL DEFAULT false,
    -- W3C traceparent of the event that last wrote the row: change capture carries it on, so one trace follows an
    -- event from the Producer through PostgreSQL's WAL into Cassandra.
    trace_parent text
);

CREATE TABLE IF NOT EXISTS orders (
    id           uuid PRIMARY KEY,
    status       varchar(10) NOT NULL CONSTRAINT orders_status_known CHECK (status IN ('PLACED', 'SHIPPED', 'CANCELLED')),
    user_id      uuid NOT NULL REFERENCES users (id),
    quantity     integer NOT NULL CONSTRAINT orders_quantity_positive CHECK (quantity > 0),
    total_amount decimal(10, 2) NOT NULL CONSTRAINT orders_total_not_negative CHECK (total_amount >= 0),
    placed_at    timestamptz,
    modified_at  timestamptz,
    is_deleted   boolean NOT NULL DEFAULT false,
    trace_parent text
);

CREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);

-- Soft delete cascades: deleting a user marks all of that user's orders deleted. Only the flag: modified_at
-- stays the order's own event time, so the order's own later UPDATE/DELETE still applies after the cascade.
CREATE OR REPLACE FUNCTION cascade_user_soft_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.is_deleted AND NOT OLD.is_deleted THEN
        UPDATE orders
           SET is_deleted = true
         WHERE user_id = NEW.id
           AND NOT is_deleted;
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS users_soft_delete_cascade ON users;
CREATE TRIGGER users_soft_delete_cascade
    AFTER UPDATE OF is_deleted ON users
    FOR EACH ROW
    EXECUTE FUNCTION cascade_user_soft_delete();

-- Change events carry the whole old row (updates and deletes), not only the key.
ALTER TABLE users REPLICA IDENTITY FULL;
ALTER TABLE orders REPLICA IDENTITY FULL;

-- The publication the Debezium connector uses (publication.autocreate.mode=disabled).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'cdc_pub') THEN
        CREATE PUBLICATION cdc_pub FOR TABLE users, orders;
    END IF;
END;
$$;
