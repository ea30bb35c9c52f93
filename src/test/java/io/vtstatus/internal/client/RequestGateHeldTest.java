package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Held slots beside the permits: their bound, their release, and the move out of the queue. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestGateHeldTest {
  private final FakeScheduler clock = new FakeScheduler();

  /** A ticket that records its start and keeps its release for the test. */
  private static final class T implements RequestGate.Ticket {
    boolean held;
    boolean wanted = true;
    Runnable release;

    T(boolean held) {
      this.held = held;
    }

    @Override
    public boolean wanted() {
      return wanted;
    }

    @Override
    public void start(Runnable r) {
      release = r;
    }

    @Override
    public boolean held() {
      return held;
    }

    boolean started() {
      return release != null;
    }
  }

  private static List<T> submit(RequestGate g, int n, boolean held) {
    List<T> ts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T t = new T(held);
      ts.add(t);
      g.submit(t);
    }
    return ts;
  }

  @Test
  void heldReadsGoBesideThePermitsUpToTheirBoundThenQueueForAPermit() {
    RequestGate g = new RequestGate(1, 3, clock);
    List<T> held = submit(g, 5, true);
    assertEquals(3, g.heldInUse());
    assertEquals(1, g.inUse(), "the fourth took the permit");
    assertEquals(1, g.waiting(), "the fifth waits for a permit");
    List<T> plain = submit(g, 1, false);
    assertEquals(2, g.waiting(), "a plain read never takes a held slot");
    held.get(0).release.run();
    held.get(0).release.run();
    assertEquals(2, g.heldInUse(), "released once, however often called");
    g.submit(new T(true));
    assertEquals(3, g.heldInUse(), "a freed slot is taken again");
    held.get(3).release.run();
    clock.advance(Duration.ZERO);
    assertEquals(true, held.get(4).started(), "the queue drains in order");
    assertEquals(false, plain.get(0).started());
  }

  @Test
  void anUnwantedHeldReadGivesItsSlotBackAtOnce() {
    RequestGate g = new RequestGate(1, 1, clock);
    T t = new T(true);
    t.wanted = false;
    g.submit(t);
    assertEquals(false, t.started());
    assertEquals(0, g.heldInUse());
  }

  @Test
  void withNoHeldSlotsEveryReadTakesAPermit() {
    RequestGate g = new RequestGate(2, 0, clock);
    submit(g, 3, true);
    assertEquals(0, g.heldInUse());
    assertEquals(2, g.inUse());
    assertEquals(1, g.waiting());
  }

  @Test
  void onceReadsMayBeHeldTheWaitingOnesLeaveTheQueueForHeldSlots() {
    RequestGate g = new RequestGate(1, 2, clock);
    // Not yet known to be held: one takes the permit, three wait for it.
    List<T> ts = submit(g, 4, false);
    T unwanted = ts.get(1);
    unwanted.wanted = false;
    assertEquals(3, g.waiting());
    for (T t : ts) {
      t.held = true;
    }
    unwanted.held = true;
    g.heldPossible();
    assertEquals(3, g.waiting(), "moved on the scheduler's thread, not the caller's");
    clock.advance(Duration.ZERO);
    assertEquals(2, g.heldInUse());
    assertEquals(true, ts.get(2).started());
    assertEquals(true, ts.get(3).started());
    // The unwanted one was dropped without taking a slot; it never started.
    assertEquals(false, unwanted.started());
    assertEquals(0, g.waiting(), "nothing left waiting");
  }

  @Test
  void movingWaitingReadsToHeldSlotsStopsAtTheBound() {
    RequestGate g = new RequestGate(1, 2, clock);
    List<T> ts = submit(g, 5, false);
    for (T t : ts) {
      t.held = true;
    }
    g.heldPossible();
    clock.advance(Duration.ZERO);
    assertEquals(2, g.heldInUse());
    assertEquals(2, g.waiting(), "two still wait for the permit");
    assertEquals(List.of(true, true, true, false, false),
        ts.stream().map(T::started).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void aTicketThatSaysNothingOfHoldingTakesAPermit() {
    RequestGate g = new RequestGate(1, 5, clock);
    boolean[] started = new boolean[1];
    g.submit(new RequestGate.Ticket() {
      @Override
      public boolean wanted() {
        return true;
      }

      @Override
      public void start(Runnable release) {
        started[0] = true;
      }
    });
    assertEquals(true, started[0]);
    assertEquals(1, g.inUse());
    assertEquals(0, g.heldInUse());
  }
}
