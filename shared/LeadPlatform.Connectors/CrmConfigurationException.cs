namespace LeadPlatform.Connectors;

/// <summary>
/// The delivery can't be made because of its integration's configuration (unreadable settings, no endpoint, a
/// missing credential): retrying cannot help, so it fails at once with a reason saying so.
/// </summary>
public sealed class CrmConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
