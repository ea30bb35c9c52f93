/** A tiny application module that uses vtstatus from the module path. */
module vtstatus.example {
  requires io.vtstatus;
}
