# The platform's processes: name, project folder, assembly, port. Sourced by up.sh, down.sh and bench.sh.
# A row whose project folder does not exist yet is skipped.
LP_SERVICES=(
  "sandbox               services/Sandbox                 LeadPlatform.Sandbox               5070"
  "ingestion             services/Ingestion               LeadPlatform.Ingestion             5080"
  "disposition           services/Disposition             LeadPlatform.Disposition           5090"
  "connector-enquire     services/Connectors/Enquire      LeadPlatform.Connectors.Enquire    5101"
  "connector-alis        services/Connectors/Alis         LeadPlatform.Connectors.Alis       5102"
  "connector-salesforce  services/Connectors/Salesforce   LeadPlatform.Connectors.Salesforce 5103"
  "connector-hubspot     services/Connectors/HubSpot      LeadPlatform.Connectors.HubSpot    5104"
  "connector-adf         services/Connectors/Adf          LeadPlatform.Connectors.Adf        5105"
  "notifications         services/Notifications           LeadPlatform.Notifications         5106"
  "console               services/Console                 LeadPlatform.Console               5060"
)
LP_CONFIGURATION=${LP_CONFIGURATION:-Release}
LP_RUN=${LP_RUN:-.run}
# What belongs to the machine's broker and database rather than to one checkout (the data-protection key, the broker
# users' passwords), so a second checkout on the machine works with what the first one set up.
LP_STATE_DIR=${LP_STATE_DIR:-${XDG_STATE_HOME:-${HOME:-/var/tmp}/.local/state}/leadplatform}
LP_BROKER_USERS_ENV="$LP_STATE_DIR/broker-users.env"
# The GC's gen0 budget. .NET sizes it from the CPU's L3 cache; where the machine does not report its caches (this
# kind of VM: no /sys/devices/system/cpu/cpu0/cache) it falls back to ~2 MB, a gen0 collection every few leads: the
# benchmark's services spent more CPU in the GC than in their own code. 64 MB, unless the environment says otherwise.
# Only the environment can set it (runtimeconfig.json has no knob for it); infra/Dockerfile.service sets the same.
export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000}
# The broker address a service connects with: its own user from $LP_BROKER_USERS_ENV (build/broker-users.sh, run
# by build/infra.sh), or nothing for a service without broker (sandbox, console) or when the file has no such user.
lp_broker_uri() { # service name
  local key="lp_${1//-/_}" password
  [ -s "$LP_BROKER_USERS_ENV" ] || return 0
  password="$(grep -E "^$key=" "$LP_BROKER_USERS_ENV" | cut -d= -f2- || true)"
  [ -n "$password" ] && echo "amqp://lp-$1:$password@127.0.0.1:5672/"
  return 0
}
