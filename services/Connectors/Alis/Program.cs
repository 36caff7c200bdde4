using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddConnector<AlisConnector>(AlisConnector.Name);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
