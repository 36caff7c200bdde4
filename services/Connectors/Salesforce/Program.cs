using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSalesforceConnector();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
