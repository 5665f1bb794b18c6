namespace CdcPipeline.Producer.Generation;

internal enum EntityKind
{
    User,
    Order,
}
