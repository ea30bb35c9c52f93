package io.vtstatus.internal.schedule;

import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;

/**
 * A schedule that learns from watches, told one thing the public {@link PollSchedule} cannot be:
 * a watch ended without anything to learn. The client calls {@link #watchEndedUnknown} instead
 * of {@link PollSchedule#watchEnded} for such a watch.
 */
public interface LearningSchedule extends PollSchedule {

  /**
   * The watch ended on a 404 or an answer the client could not use: its job may never have
   * existed, so it is no evidence that any job runs at least this long. Stop counting it as
   * running; learn nothing from it.
   */
  void watchEndedUnknown(PollContext lastContext);
}
