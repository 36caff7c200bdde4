using System.Text.Json;

namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// The conformance kit for a connector that updates a record the CRM already has (the lead-distribution usage
/// profile's field-update policy): everything in <see cref="ConnectorConformanceSpecs"/>, and a second lead for the
/// same person under each policy. Derive from this instead when your connector supports updates; say how the
/// integration's settings set the policy, with custom fields reaching the record (mapped or in its notes) so a
/// supplier-only update has something to write.
/// </summary>
public abstract class UpdatingConnectorConformanceSpecs : ConnectorConformanceSpecs
{
    /// <summary>
    /// Settings whose usage profile has <c>fieldUpdates</c> = <paramref name="policy"/> (<c>none</c>, <c>supplier</c>,
    /// <c>profile-and-supplier</c>) and writes the lead's custom fields to the record.
    /// </summary>
    protected abstract JsonElement SettingsWithFieldUpdates(string policy);

    /// <summary>
    /// none: the existing record is found and left as it was. supplier and profile-and-supplier: it is found and
    /// written once (the second lead brings a new custom field value, a supplier field, and a new phone, a profile
    /// field). Never a second record.
    /// </summary>
    [TestCase(FieldUpdatePolicies.None, 1)]
    [TestCase(FieldUpdatePolicies.SupplierOnly, 2)]
    [TestCase(FieldUpdatePolicies.ProfileAndSupplier, 2)]
    public async Task A_second_lead_for_the_same_person_updates_the_record_as_its_field_update_policy_allows(string policy, int version)
    {
        var integration = await NewAccountAsync(i => i with { Settings = SettingsWithFieldUpdates(policy) });
        var email = NewEmail($"update-{policy}");
        var first = SelfLead(integration.AccountId, email) with { CustomFields = new Dictionary<string, string> { ["budget"] = "10000" } };
        var created = await DeliveredAsync((await PublishAsync(integration, first)).LeadId);

        var second = SelfLead(integration.AccountId, email) with { CustomFields = new Dictionary<string, string> { ["budget"] = "20000" } };
        var updated = await DeliveredAsync((await PublishAsync(integration, second)).LeadId);

        Assert.That(updated.Outcome, Is.EqualTo(CrmResult.Updated));
        Assert.That(updated.RecordIds.Values, Is.SubsetOf(created.RecordIds.Values), "the record first created is the one found");
        var records = await StandIn.RecordsWithEmailAsync(email);
        Assert.That(records, Has.Count.EqualTo(1), "no second record");
        Assert.That(records[0].Version, Is.EqualTo(version), policy == FieldUpdatePolicies.None ? "nothing written" : "written once");
    }
}
