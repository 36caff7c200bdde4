namespace LeadPlatform.Connectors.Salesforce;

/// <summary>
/// Pushes a lead into Salesforce. Looks for an unconverted Lead, then a Contact, with the prospect's email
/// (which also finds what an unanswered earlier create made): an existing record keeps its owner and gets only
/// what the integration's field-update policy allows; otherwise a new Lead (or Contact, by the usage profile) is
/// created with the owner the rules pick.
/// </summary>
public sealed class SalesforceConnector(HttpClient http, SalesforceTokens tokens, SalesforceRateLimits limits) : ICrmConnector, ICrmUpdater
{
    public const string Name = "salesforce";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var settings = request.Integration.SettingsAs<SalesforceSettings>();
        var api = new SalesforceRestClient(http, tokens, limits, request.Integration, settings);
        var lead = request.Lead;

        if (Reachable.Email(lead) is { } email)
        {
            foreach (var sobject in new[] { SalesforceTranslator.Lead, SalesforceTranslator.Contact })
            {
                var query = sobject == SalesforceTranslator.Lead ? Soql.ExistingLead(email) : Soql.ExistingContact(email);
                if (await api.QueryFirstAsync(query, ct) is { } existing && existing["Id"]?.GetValue<string>() is { } id)
                {
                    var changes = SalesforceTranslator.Translate(lead, settings, sobject).ForUpdate(settings.UsageProfile);
                    if (changes.Count > 0)
                    {
                        await api.UpdateAsync(sobject, id, changes, ct);
                    }
                    return new CrmResult(CrmResult.Updated, new Dictionary<string, string> { [sobject.ToLowerInvariant()] = id });
                }
            }
        }

        var target = settings.UsageProfile.RecordsContacts ? SalesforceTranslator.Contact : SalesforceTranslator.Lead;
        var created = await api.CreateAsync(target, SalesforceTranslator.Translate(lead, settings, target).ForCreate(), ct);
        return new CrmResult(CrmResult.Created, new Dictionary<string, string> { [target.ToLowerInvariant()] = created });
    }

    /// <summary>
    /// An update after delivery: the delivered Lead or Contact (its id from the ledger) gets what the field-update
    /// policy allows, as for an existing record; nothing is written under <c>none</c>.
    /// </summary>
    public async Task UpdateAsync(UpdateRequest request, CancellationToken ct)
    {
        var settings = request.Integration.SettingsAs<SalesforceSettings>();
        foreach (var sobject in new[] { SalesforceTranslator.Lead, SalesforceTranslator.Contact })
        {
            if (request.RecordIds.TryGetValue(sobject.ToLowerInvariant(), out var id))
            {
                var changes = SalesforceTranslator.Translate(request.Lead, settings, sobject).ForUpdate(settings.UsageProfile);
                if (changes.Count > 0)
                {
                    await new SalesforceRestClient(http, tokens, limits, request.Integration, settings).UpdateAsync(sobject, id, changes, ct);
                }
                return;
            }
        }
        throw new CrmPermanentException("the delivery recorded no Salesforce Lead or Contact id");
    }
}
