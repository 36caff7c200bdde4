using Acme.Connector;
using LeadPlatform.Connectors;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddConnector<AcmeConnector>(AcmeConnector.Name);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
