using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Local;

/// <summary>
/// A value a stand-in knows only once it has started (the ports its listeners bound), for its connection string:
/// services resolve their environment after waiting for the stand-in, so they get the real value.
/// </summary>
internal sealed class StartedValue(string manifestExpression) : IValueProvider, IManifestExpressionProvider
{
    private readonly TaskCompletionSource<string> _value = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ValueExpression { get; } = manifestExpression;

    public bool IsKnown => _value.Task.IsCompletedSuccessfully;

    public void Set(string value) => _value.TrySetResult(value);

    public void Fail(Exception exception) => _value.TrySetException(exception);

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        await _value.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
}
