using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>The handshake of a new connection: OPTIONS, STARTUP, and PasswordAuthenticator (PLAIN) when the server asks for it.</summary>
internal static class CqlHandshake
{
    public static async Task RunAsync(CqlConnection connection, string? username, string? password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await connection.SendAsync(CqlOpcode.Options, CqlRequests.Empty(), timeout, cancellationToken).ConfigureAwait(false);
        var response = await connection.SendAsync(CqlOpcode.Startup, CqlRequests.Startup(), timeout, cancellationToken).ConfigureAwait(false);
        if (response.Opcode == CqlOpcode.Ready)
        {
            return;
        }

        if (response.Opcode != CqlOpcode.Authenticate)
        {
            throw new CqlConnectionException($"Cassandra at {connection.Endpoint} answered STARTUP with {response.Opcode}, expected READY or AUTHENTICATE.");
        }

        var authenticator = new CqlReader(response.Body).ReadString();
        if (string.IsNullOrEmpty(username) || password is null)
        {
            throw new CqlException(
                $"Cassandra at {connection.Endpoint} requires authentication ({authenticator}) but no Username/Password is configured in the connection string.");
        }

        var token = CqlRequests.PlainAuthResponse(username, password);
        for (var round = 0; round < 10; round++)
        {
            response = await connection.SendAsync(CqlOpcode.AuthResponse, token, timeout, cancellationToken).ConfigureAwait(false);
            if (response.Opcode == CqlOpcode.AuthSuccess)
            {
                return;
            }

            if (response.Opcode != CqlOpcode.AuthChallenge)
            {
                throw new CqlConnectionException($"Cassandra at {connection.Endpoint} answered AUTH_RESPONSE with {response.Opcode}.");
            }
        }

        throw new CqlException($"Cassandra at {connection.Endpoint} kept challenging the authentication ({authenticator}); PLAIN needs a single round.");
    }
}
