using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace LeadPlatform.Integrations.Secrets;

/// <summary>The Data Protection key ring in <c>integrations.data_protection_key</c>, shared by every service.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    // Data Protection calls its repository synchronously, and rarely (start-up, key ring refresh, key creation).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>("select xml from integrations.data_protection_key order by created_at, friendly_name")
            .Select(XElement.Parse)
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        const string sql = """
            insert into integrations.data_protection_key (friendly_name, xml) values (@friendlyName, @xml)
            on conflict (friendly_name) do nothing
            """;
        using var connection = dataSource.OpenConnection();
        connection.Execute(sql, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
