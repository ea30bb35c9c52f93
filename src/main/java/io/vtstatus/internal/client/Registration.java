package io.vtstatus.internal.client;

/** What polling needs to know of webhook registration. */
interface Registration {
  /** No listener: polling is on its own. */
  Registration NONE = new Registration() {
    @Override
    public boolean registered() {
      return false;
    }

    @Override
    public void refreshSoon() {}
  };

  /** True once the server accepted our listener (and has not been seen to forget it). */
  boolean registered();

  /** The server may have lost our registration (it lost a job): register again, rate-limited. */
  void refreshSoon();
}
