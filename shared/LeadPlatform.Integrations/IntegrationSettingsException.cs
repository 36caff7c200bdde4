namespace LeadPlatform.Integrations;

/// <summary>An integration's settings can't be read as its CRM's settings (a wrong type): its configuration is wrong.</summary>
public sealed class IntegrationSettingsException(string message, Exception? inner = null) : Exception(message, inner);
