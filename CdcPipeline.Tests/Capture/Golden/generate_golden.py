#!/usr/bin/env python3
"""Writes the golden records of the capture's scenario (CaptureGoldenTests) from the rules of the research spec
(/tmp/research/debezium-spec.md, Debezium 3.6.1's PostgreSQL connector read from its source) -- never from the
capture's own output. An independent second implementation: if the capture and this script disagree, one of them
misreads the spec.

Run: python3 generate_golden.py   (writes scenario.with-schemas.txt and scenario.without-schemas.txt beside it)

Positions (source.lsn, txId, sequence) and clock values (ts_ms/us/ns) are unknowable in advance: plausible
placeholders are written and the test masks them on both sides. Everything else is byte for byte.
"""
import base64
import os
from collections import OrderedDict as O

PREFIX = "cdc"
DB = "cdc_db"  # the test masks source.db (each test has its own database) after checking it separately

# --- JsonConverter serialisation (spec 1.1): compact, Jackson 2 escaping, key order as built ------------------------

SHORT = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r'}


def jstr(text):
    out = []
    for ch in text:
        if ch in SHORT:
            out.append(SHORT[ch])
        elif ord(ch) < 0x20:
            out.append('\\u%04X' % ord(ch))  # upper-case hex, as Jackson's HEX_CHARS
        else:
            out.append(ch)  # nothing else escaped: not '/', not non-ASCII (raw UTF-8)
    return '"' + ''.join(out) + '"'


def dump(value):
    if value is None:
        return 'null'
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return jstr(value)
    if isinstance(value, list):
        return '[' + ','.join(dump(v) for v in value) + ']'
    if isinstance(value, dict):
        return '{' + ','.join(jstr(k) + ':' + dump(v) for k, v in value.items()) + '}'
    raise TypeError(value)


# --- Connect schemas (spec 1.1 asJsonSchema order: type, fields, optional, name, version, parameters, default, field)

NO_DEFAULT = object()


def schema(type_, optional, name=None, version=None, parameters=None, default=NO_DEFAULT, fields=None, field=None):
    d = O()
    d["type"] = type_
    if fields is not None:
        d["fields"] = fields
    d["optional"] = optional
    if name is not None:
        d["name"] = name
    if version is not None:
        d["version"] = version
    if parameters is not None:
        d["parameters"] = parameters
    if default is not NO_DEFAULT:
        d["default"] = default
    if field is not None:
        d["field"] = field
    return d


# Column mappings (spec 2)
def uuid_col(f, opt=False): return schema("string", opt, "io.debezium.data.Uuid", 1, field=f)
def string_col(f, opt): return schema("string", opt, field=f)
def date_col(f, opt): return schema("int32", opt, "io.debezium.time.Date", 1, field=f)
def zts_col(f, opt): return schema("string", opt, "io.debezium.time.ZonedTimestamp", 1, field=f)
def int32_col(f, opt): return schema("int32", opt, field=f)
def int64(f, opt): return schema("int64", opt, field=f)
def decimal_col(f, opt, scale, precision):
    return schema("bytes", opt, "org.apache.kafka.connect.data.Decimal", 1,
                  O([("scale", str(scale)), ("connect.decimal.precision", str(precision))]), field=f)
# is_deleted boolean NOT NULL DEFAULT false -> "default":false (spec 1.3)
def bool_default_false(f): return schema("boolean", False, default=False, field=f)


# sql/postgres/001-schema.sql, columns in attnum order
USERS = [uuid_col("id"), string_col("name", False), date_col("dob", False), zts_col("created_at", True),
         zts_col("modified_at", True), bool_default_false("is_deleted"), string_col("trace_parent", True)]
ORDERS = [uuid_col("id"), string_col("status", False), uuid_col("user_id"), int32_col("quantity", False),
          decimal_col("total_amount", False, 2, 10), zts_col("placed_at", True), zts_col("modified_at", True),
          bool_default_false("is_deleted"), string_col("trace_parent", True)]
COLUMNS = {"users": USERS, "orders": ORDERS}

# Source struct, 16 fields (spec 1.5)
SOURCE_FIELDS = [string_col("version", False), string_col("connector", False), string_col("name", False), int64("ts_ms", False),
                 schema("string", True, "io.debezium.data.Enum", 1,
                        O([("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")]),
                        default="false", field="snapshot"),
                 string_col("db", False), string_col("sequence", True), int64("ts_us", True), int64("ts_ns", True),
                 string_col("schema", False), string_col("table", False), int64("txId", True), int64("lsn", True),
                 int64("xmin", True), string_col("origin", True), int64("origin_lsn", True)]


def topic(table): return f"{PREFIX}.public.{table}"


def key_schema(table):  # spec 1.2: struct, not optional, no version
    return schema("struct", False, f"{topic(table)}.Key", fields=[uuid_col("id")])


def envelope_schema(table):  # spec 1.4: before, after, source, transaction, op, ts_ms, ts_us, ts_ns; version 2
    fields = COLUMNS[table]
    return schema("struct", False, f"{topic(table)}.Envelope", 2, fields=[
        schema("struct", True, f"{topic(table)}.Value", fields=fields, field="before"),
        schema("struct", True, f"{topic(table)}.Value", fields=fields, field="after"),
        schema("struct", False, "io.debezium.connector.postgresql.Source", 1, fields=SOURCE_FIELDS, field="source"),
        schema("struct", True, "event.block", 1, fields=[string_col("id", False), int64("total_order", False),
                                                          int64("data_collection_order", False)], field="transaction"),
        string_col("op", False), int64("ts_ms", True), int64("ts_us", True), int64("ts_ns", True)])


# --- Values (spec 2) --------------------------------------------------------------------------------------------------

EPOCH_DAYS = {}


def days(iso):  # io.debezium.time.Date: days since 1970-01-01
    import datetime
    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def zts(iso_utc_micros):  # ZonedTimestamp: UTC, exactly 6 fraction digits, Z (spec 2)
    return iso_utc_micros


def decimal(unscaled):  # Decimal: minimal big-endian two's complement of the unscaled value, standard Base64
    length = 1
    while not (-(1 << (8 * length - 1)) <= unscaled < (1 << (8 * length - 1))):
        length += 1
    return base64.b64encode(unscaled.to_bytes(length, "big", signed=True)).decode("ascii")


def user(id_, name, dob, created_at, modified_at, is_deleted, trace_parent):
    return O([("id", id_), ("name", name), ("dob", days(dob)), ("created_at", created_at), ("modified_at", modified_at),
              ("is_deleted", is_deleted), ("trace_parent", trace_parent)])


def order(id_, status, user_id, quantity, total_unscaled, placed_at, modified_at, is_deleted, trace_parent):
    return O([("id", id_), ("status", status), ("user_id", user_id), ("quantity", quantity),
              ("total_amount", decimal(total_unscaled)), ("placed_at", placed_at), ("modified_at", modified_at),
              ("is_deleted", is_deleted), ("trace_parent", trace_parent)])


def source(table, snapshot, txid, lsn, last_commit, src_us):  # spec 1.5 / 3.1 / 3.2
    sequence = dump([None if last_commit is None else str(last_commit), str(lsn)])
    return O([("version", "3.6.1.Final"), ("connector", "postgresql"), ("name", PREFIX), ("ts_ms", src_us // 1000),
              ("snapshot", snapshot), ("db", DB), ("sequence", sequence), ("ts_us", src_us), ("ts_ns", src_us * 1000),
              ("schema", "public"), ("table", table), ("txId", txid), ("lsn", lsn), ("xmin", None), ("origin", None),
              ("origin_lsn", None)])


ENVELOPE_US = 1709300000000000  # processing time: masked


def envelope(before, after, src, op):
    return O([("before", before), ("after", after), ("source", src), ("transaction", None), ("op", op),
              ("ts_ms", ENVELOPE_US // 1000), ("ts_us", ENVELOPE_US), ("ts_ns", ENVELOPE_US * 1000)])


# --- The scenario (CaptureGoldenTests.Scenario: the same rows and statements) ---------------------------------------

U1, U2, U3 = "6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "c56a4180-65aa-42ec-a945-5fd21dec0538"
O1, O2, O3, O4 = ("0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b", "9b2c1c5e-7d1a-4a5e-8f0e-2b1f4c6d7e80",
                  "3d813cbb-47fb-4ba7-a10e-0f1b7c8e6d5a", "e3b0c442-98fc-4c14-9afb-f4c8996fb924")
TP1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TP2 = "00-5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f-1a2b3c4d5e6f7a8b-01"
TP3 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
TRICKY = 'Zo\u00eb "Z" \\ \t\n\u0001\u001f/\u20ac'  # quote, backslash, tab, newline, U+0001, U+001F, slash, euro

u1 = user(U1, "Alice", "1990-05-15", "2024-02-28T09:30:00.500000Z", "2024-02-28T09:30:00.500000Z", False, TP1)
u2 = user(U2, TRICKY, "2000-01-01", "1969-12-31T23:59:59.999999Z", None, False, None)
o1 = order(O1, "PLACED", U1, 2, 5998, "2024-03-01T10:20:00.600000Z", "2024-03-01T10:20:00.600000Z", False, TP3)
o2 = order(O2, "SHIPPED", U2, 100, 1234567890, "2024-03-01T10:20:00.000000Z", None, False, None)
o3 = order(O3, "PLACED", U1, 1, 0, None, None, False, None)

records = []  # (topic, key or None, value or None) in publication order


def key(table, id_):
    return (O([("schema", key_schema(table)), ("payload", O([("id", id_)]))]), O([("id", id_)]))


def add(table, id_, value):
    records.append((table, None if id_ is None else key(table, id_), value))


SNAP = dict(txid=760, lsn=27521208, src_us=1709288400123456)


def snap(table, marker, row):
    add(table, row["id"], envelope(None, row, source(table, marker, SNAP["txid"], SNAP["lsn"], None, SNAP["src_us"]), "r"))


# Snapshot (spec 3.2, 3.3): users then orders; users#1 first, users#N last_in_data_collection,
# orders#1 first_in_data_collection, orders#2..M-1 true, orders#M last.
snap("users", "first", u1)
snap("users", "last_in_data_collection", u2)
snap("orders", "first_in_data_collection", o1)
snap("orders", "true", o2)
snap("orders", "last", o3)

lsn = [27525000]
commit = [None]
txid = [760]


def tx(src_us, changes):
    """One transaction: changes of (table, op, before, after); lsn grows, sequence[0] is the previous commit."""
    txid[0] += 1
    for table, op, before, after in changes:
        lsn[0] += 400
        src = source(table, "false", txid[0], lsn[0], commit[0], src_us)
        if op == "t":
            add(table, None, envelope(None, None, src, "t"))
            continue
        row = before if op == "d" else after
        add(table, row["id"], envelope(before if op in ("u", "d") else None, after if op != "d" else None, src, op))
        if op == "d":
            add(table, row["id"], None)  # tombstone: same key, null value (spec 5)
    lsn[0] += 400
    commit[0] = lsn[0]


# T1: two inserts
u3 = user(U3, "Carol", "1985-12-31", "2024-03-02T08:00:00.123456Z", "2024-03-02T08:00:00.123456Z", False, TP2)
o4 = order(O4, "PLACED", U3, 3, 128, "2024-03-02T08:00:01.000000Z", None, False, TP2)
tx(1709366400000001, [("users", "c", None, u3), ("orders", "c", None, o4)])

# T2: an update with a new trace parent
u1b = O(u1)
u1b["name"] = "Alice B"
u1b["modified_at"] = "2024-03-02T09:00:00.987654Z"
u1b["trace_parent"] = TP2
tx(1709370000000002, [("users", "u", u1, u1b)])

# T3: two changes of one row in one transaction
o2b = O(o2)
o2b["status"] = "CANCELLED"
o2b["modified_at"] = "2024-03-02T10:00:00.000000Z"
o2c = O(o2b)
o2c["quantity"] = 99
o2c["modified_at"] = "2024-03-02T10:00:00.000001Z"
tx(1709373600000003, [("orders", "u", o2, o2b), ("orders", "u", o2b, o2c)])

# T4: the soft-delete cascade: the user's update, then the trigger's updates of its orders (is_deleted only)
u1c = O(u1b)
u1c["is_deleted"] = True
u1c["modified_at"] = "2024-03-02T11:00:00.000000Z"
o1b = O(o1)
o1b["is_deleted"] = True
o3b = O(o3)
o3b["is_deleted"] = True
tx(1709377200000004, [("users", "u", u1b, u1c), ("orders", "u", o1, o1b), ("orders", "u", o3, o3b)])

# T5: a hard delete and its tombstone
tx(1709380800000005, [("orders", "d", o4, None)])

# T6: TRUNCATE users, orders: one record per table, null key, no tombstone (spec 6)
tx(1709384400000006, [("users", "t", None, None), ("orders", "t", None, None)])

HEADERS = [("__debezium.context.connectorLogicalName", PREFIX), ("__debezium.context.taskId", "0"),
           ("__debezium.context.connectorName", "postgresql"), ("__debezium.context.runId", "<run-id>")]


def write(path, schemas):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("# Golden records of CaptureGoldenTests, written by generate_golden.py from the research spec's rules.\n")
        out.write(f"# schemas.enable={'true' if schemas else 'false'}; one block per record in publication order;\n")
        out.write("# positions and clock values are placeholders the test masks; <run-id> is any UUIDv7, the same throughout.\n")
        for table, key_pair, value in records:
            out.write("\n")
            out.write(f"topic: {topic(table)}\n")
            if key_pair is None:
                out.write("key: <null>\n")
            else:
                out.write("key: " + dump(key_pair[0] if schemas else key_pair[1]) + "\n")
            if value is None:
                out.write("value: <null>\n")
            else:
                out.write("value: " + dump(O([("schema", envelope_schema(table)), ("payload", value)]) if schemas else value) + "\n")
            out.write("headers: " + " | ".join(f"{k}={v}" for k, v in HEADERS) + "\n")


here = os.path.dirname(os.path.abspath(__file__))
write(os.path.join(here, "scenario.with-schemas.txt"), True)
write(os.path.join(here, "scenario.without-schemas.txt"), False)
