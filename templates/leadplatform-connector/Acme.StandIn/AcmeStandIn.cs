using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LeadPlatform.Connectors.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Acme.StandIn;

/// <summary>
/// The Acme API as the tests need it, on a real port: <c>POST /v1/contacts</c>, <c>GET /v1/contacts?externalId=</c>,
/// an API key, and the faults the conformance kit asks for, played the way Acme fails. Grow it with the CRM.
/// </summary>
public sealed class AcmeStandIn : ICrmStandIn
{
    public const string ApiKey = "standin-acme-key";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, StoredContact> _contacts = new();
    private readonly ConcurrentQueue<CrmFault> _faults = new();

    private AcmeStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private init; } = null!;

    public static async Task<ICrmStandIn> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new AcmeStandIn(app) { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        standIn.Map(app);
        await app.StartAsync();
        return standIn;
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/v1/contacts", (HttpContext http, ContactBody body) => PlayAsync(http, creates: true, () =>
        {
            var contact = new StoredContact($"AC-{_contacts.Count + 1:D5}", body, 1);
            _contacts[contact.Id] = contact;
            return Results.Json(new { id = contact.Id }, statusCode: 201);
        }));
        app.MapGet("/v1/contacts", (HttpContext http, string? externalId) => PlayAsync(http, creates: false, () =>
            Results.Ok(_contacts.Values.Where(c => c.Body.ExternalId == externalId).Select(c => new { id = c.Id }))));
    }

    private async Task<IResult> PlayAsync(HttpContext http, bool creates, Func<IResult> handle)
    {
        if (http.Request.Headers["X-Api-Key"] != ApiKey)
        {
            return Results.Json(new { message = "Invalid API key" }, statusCode: 401);
        }
        // A time-out after create only plays on a request that creates; other faults on any request.
        if (!_faults.TryPeek(out var fault) || (fault.Kind == CrmFaultKind.TimeoutAfterCreate && !creates) || !_faults.TryDequeue(out fault))
        {
            return handle();
        }
        switch (fault.Kind)
        {
            case CrmFaultKind.Throttled:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(fault.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { message = "Too many requests" }, statusCode: 429);
            case CrmFaultKind.ServerError:
                return Results.Json(new { message = "Internal error" }, statusCode: 500);
            case CrmFaultKind.Refused:
                return Results.Json(new { message = fault.Message }, statusCode: 400);
            default:
                var result = handle();
                await Task.Delay(fault.Delay, CancellationToken.None);
                return result;
        }
    }

    public Task<IReadOnlyList<StandInRecord>> RecordsWithEmailAsync(string email) =>
        Task.FromResult<IReadOnlyList<StandInRecord>>(_contacts.Values
            .Where(c => string.Equals(c.Body.Email, email, StringComparison.OrdinalIgnoreCase))
            .Select(c => new StandInRecord("contact", c.Id, c.Version))
            .ToList());

    public Task FailAsync(CrmFault fault)
    {
        for (var i = 0; i < fault.Count; i++)
        {
            _faults.Enqueue(fault);
        }
        return Task.CompletedTask;
    }

    public Task ClearFaultsAsync()
    {
        _faults.Clear();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record ContactBody(string ExternalId, string? FirstName, string? LastName, string? Email, string? Phone, string? Notes);

    private sealed record StoredContact(string Id, ContactBody Body, int Version);
}
