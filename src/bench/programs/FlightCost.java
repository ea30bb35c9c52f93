import io.vtstatus.DetectedBy;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.jfr.Flight;

/**
 * What the Flight Recorder events cost one watch ended by webhook after one poll: a Poll and a
 * Webhook event begun and ended, a WatchEnded event. Without a recording the calls should cost
 * next to nothing (nothing is built); with one, three events are committed. Five rounds of 5
 * million; compare the last rounds of the two runs.
 * Run: make jar && java -cp target/vtstatus.jar src/bench/programs/FlightCost.java
 *  and: java -XX:StartFlightRecording:filename=/tmp/cost.jfr,settings=default -cp target/vtstatus.jar src/bench/programs/FlightCost.java
 */
public class FlightCost {
  static volatile long sink;

  public static void main(String[] args) {
    int n = 5_000_000;
    String job = "job_0123456789abcdef";
    for (int round = 1; round <= 5; round++) {
      long t0 = System.nanoTime();
      long s = 0;
      for (int i = 0; i < n; i++) {
        Object p = Flight.pollBegin();
        Flight.pollEnd(p, job, 1, JobStatus.PENDING, null);
        Object w = Flight.webhookBegin();
        Flight.webhookEnd(w, job, JobStatus.COMPLETED, true, 204);
        Flight.watchEnded(job, JobStatus.COMPLETED, DetectedBy.WEBHOOK, null, 1, i);
        s += i;
      }
      sink = s;
      System.out.printf("round %d: %.1f ns per watch%n", round, (System.nanoTime() - t0) / (double) n);
    }
  }
}
