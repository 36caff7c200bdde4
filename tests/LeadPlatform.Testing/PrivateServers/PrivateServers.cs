namespace LeadPlatform.Testing;

/// <summary>
/// A private RabbitMQ (<see cref="RabbitMqCluster"/>) and a private PostgreSQL (<see cref="PrivatePostgres"/> or
/// <see cref="PostgresPair"/>) started side by side; whichever started is stopped again, also when the other failed,
/// after what runs on them (<see cref="Carrying{T}"/>).
/// </summary>
public sealed class PrivateServers<TPostgres>(RabbitMqCluster rabbit, TPostgres postgres) : IAsyncDisposable
    where TPostgres : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _carried = [];

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

    /// <summary>Something that runs on these servers (a fault rig, say), disposed before they stop.</summary>
    public T Carrying<T>(T resource) where T : IAsyncDisposable
    {
        _carried.Add(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _carried.Count - 1; i >= 0; i--)
        {
            await _carried[i].DisposeAsync();
        }
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
