namespace LeadPlatform.Testing;

/// <summary>
/// A private RabbitMQ (<see cref="RabbitMqCluster"/>) and a private PostgreSQL (<see cref="PrivatePostgres"/> or
/// <see cref="PostgresPair"/>) started side by side; whichever started is stopped again, also when the other failed.
/// </summary>
public sealed class PrivateServers<TPostgres>(RabbitMqCluster rabbit, TPostgres postgres) : IAsyncDisposable
    where TPostgres : IAsyncDisposable
{
    public RabbitMqCluster Rabbit { get; } = rabbit;
    public TPostgres Postgres { get; } = postgres;

    public static async Task<PrivateServers<TPostgres>> StartAsync(Task<RabbitMqCluster> rabbit, Task<TPostgres> postgres)
    {
        try
        {
            await Task.WhenAll(rabbit, postgres);
        }
        catch
        {
            await new PrivateServers<TPostgres>(Started(rabbit)!, Started(postgres)!).DisposeAsync();
            throw;
        }
        return new PrivateServers<TPostgres>(rabbit.Result, postgres.Result);
    }

    private static T? Started<T>(Task<T> starting) => starting.IsCompletedSuccessfully ? starting.Result : default;

    public async ValueTask DisposeAsync()
    {
        if (Rabbit is not null)
        {
            await Rabbit.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
