using LeadPlatform.OperatorConsole;
using LeadPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOperatorConsole();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOperatorConsole();
app.Run();
