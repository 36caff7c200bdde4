using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddConnector<EnquireConnector>(EnquireConnector.Name);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
