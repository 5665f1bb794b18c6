using CdcPipeline.AppHost.Cassandra;
using CdcPipeline.AppHost.Debezium;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.KafkaUi;
using CdcPipeline.AppHost.Postgres;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure
var kafka = builder.AddKafkaCluster("kafka", brokerCount: 3);

// Generated on first run and kept in the AppHost's user secrets: F5 works with no setup, and no
// password is ever in the repository. Set Parameters:postgres-password to choose one.
var postgresPassword = builder.AddParameter(
    "postgres-password",
    new GenerateParameterDefault { MinLength = 24, Special = false },
    secret: true,
    persist: true);
var postgres = builder.AddCdcPostgres("postgres", postgresPassword);
var cdcDb = postgres.AddDatabase("cdcdb", databaseName: "cdc_db")
    .WithSchemaScripts(Path.Combine("..", "sql", "postgres"));

var cdcConnector = ConnectorDefinition.Load(Path.Combine(builder.AppHostDirectory, "Debezium", "cdc-connector.json"));
var debezium = builder.AddDebeziumConnect("debezium", kafka, cdcDb)
    .WithConnector(cdcConnector);

var cassandra = builder.AddCassandra("cassandra");

builder.AddKafkaUi("kafka-ui", kafka, debezium);

// Services
builder.AddProject<Projects.CdcPipeline_Producer>("producer")
    .WithReference(kafka).WaitFor(kafka)
    .WithEnvironment("Producer__Mode", "continuous")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.CdcPipeline_Consumer>("consumer")
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(cdcDb).WaitFor(cdcDb)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.CdcPipeline_CassandraSink>("cassandra-sink")
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(cassandra).WaitFor(cassandra)
    .WithEnvironment("CassandraSink__TopicPrefix", cdcConnector.TopicPrefix)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
