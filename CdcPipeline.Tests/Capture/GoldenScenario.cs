namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The scripted scenario of <see cref="CaptureGoldenTests"/>: the same rows and statements as
/// <c>Golden/generate_golden.py</c>, which writes the records Debezium publishes for them.
/// </summary>
internal static class GoldenScenario
{
    /// <summary>Rows present before the capture starts: its snapshot reads them.</summary>
    public const string SnapshotRows = """
        INSERT INTO users (id, name, dob, created_at, modified_at, is_deleted, trace_parent) VALUES
          ('6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 'Alice', '1990-05-15', '2024-02-28 09:30:00.5+00', '2024-02-28 09:30:00.5+00', false,
           '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
        INSERT INTO users (id, name, dob, created_at, modified_at, is_deleted, trace_parent) VALUES
          ('1b4e28ba-2fa1-11d2-883f-0016d3cca427', E'Zo\u00eb "Z" \\ \t\n\u0001\u001f/\u20ac', '2000-01-01', '1969-12-31 23:59:59.999999+00', NULL, false, NULL);
        INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted, trace_parent) VALUES
          ('0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', 'PLACED', '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 2, 59.98,
           '2024-03-01 10:20:00.6+00', '2024-03-01 10:20:00.6+00', false, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
        INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted, trace_parent) VALUES
          ('9b2c1c5e-7d1a-4a5e-8f0e-2b1f4c6d7e80', 'SHIPPED', '1b4e28ba-2fa1-11d2-883f-0016d3cca427', 100, 12345678.90,
           '2024-03-01 12:20:00+02', NULL, false, NULL);
        INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted, trace_parent) VALUES
          ('3d813cbb-47fb-4ba7-a10e-0f1b7c8e6d5a', 'PLACED', '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 1, 0, NULL, NULL, false, NULL);
        """;

    /// <summary>The streamed transactions, in order: each is committed before the next begins.</summary>
    public static readonly string[] Transactions =
    [
        // T1: two inserts.
        """
        BEGIN;
        INSERT INTO users (id, name, dob, created_at, modified_at, trace_parent) VALUES
          ('c56a4180-65aa-42ec-a945-5fd21dec0538', 'Carol', '1985-12-31', '2024-03-02 08:00:00.123456+00', '2024-03-02 08:00:00.123456+00',
           '00-5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f-1a2b3c4d5e6f7a8b-01');
        INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at, trace_parent) VALUES
          ('e3b0c442-98fc-4c14-9afb-f4c8996fb924', 'PLACED', 'c56a4180-65aa-42ec-a945-5fd21dec0538', 3, 1.28, '2024-03-02 08:00:01+00',
           '00-5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f-1a2b3c4d5e6f7a8b-01');
        COMMIT;
        """,
        // T2: an update with a new trace parent.
        """
        UPDATE users SET name = 'Alice B', modified_at = '2024-03-02 09:00:00.987654+00',
                         trace_parent = '00-5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f-1a2b3c4d5e6f7a8b-01'
         WHERE id = '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09';
        """,
        // T3: two changes of one row in one transaction.
        """
        BEGIN;
        UPDATE orders SET status = 'CANCELLED', modified_at = '2024-03-02 10:00:00+00' WHERE id = '9b2c1c5e-7d1a-4a5e-8f0e-2b1f4c6d7e80';
        UPDATE orders SET quantity = 99, modified_at = '2024-03-02 10:00:00.000001+00' WHERE id = '9b2c1c5e-7d1a-4a5e-8f0e-2b1f4c6d7e80';
        COMMIT;
        """,
        // T4: the soft delete of a user; the trigger marks its orders deleted in the same transaction.
        """
        UPDATE users SET is_deleted = true, modified_at = '2024-03-02 11:00:00+00' WHERE id = '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09';
        """,
        // T5: a hard delete.
        "DELETE FROM orders WHERE id = 'e3b0c442-98fc-4c14-9afb-f4c8996fb924';",
        // T6: TRUNCATE of both tables.
        "TRUNCATE users, orders;",
    ];

    /// <summary>Records per topic the scenario publishes (tombstones included).</summary>
    public const int UsersRecords = 6;

    public const int OrdersRecords = 11;
}
