using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddConnector<AdfConnector>(AdfConnector.Name);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
