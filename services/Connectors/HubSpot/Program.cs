using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddHubSpotConnector();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
