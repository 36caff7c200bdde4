using System.Text.Json;

namespace LeadPlatform.Disposition.Adapters;

/// <summary>Reads one provider's webhook payload shape into <see cref="DispositionEvent"/>s.</summary>
public interface IDispositionAdapter
{
    string Name { get; }

    bool CanRead(string crm, JsonElement body);

    AdapterResult Read(JsonElement body);
}

/// <summary>The adapters in the order they are asked; the generic shape answers last, for everything.</summary>
public static class DispositionAdapters
{
    public static readonly IReadOnlyList<IDispositionAdapter> All = [new SalesforceChangeEventAdapter(), new HubSpotWebhookAdapter(), new GenericAdapter()];

    public static IDispositionAdapter For(string crm, JsonElement body) => All.First(a => a.CanRead(crm, body));
}
