using System.ComponentModel;
using System.Text.Json;
using LeadPlatform.Contracts;

namespace LeadPlatform.Integrations;

/// <summary>
/// Kept for code built against LeadPlatform.Integrations 1.x: the platform's JSON options are
/// <see cref="PlatformJson.Options"/> in LeadPlatform.Contracts (this is the same instance). Goes with the next major version.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = PlatformJson.Options;
}
