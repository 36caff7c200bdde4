using LeadPlatform.Disposition;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDisposition();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDisposition();
app.Run();
