package org.slime4j.core.slime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The facade's listener around a caller's that {@link Trainer.Listener#wantsSnapshots wants snapshots}: everything
 * is passed on, and each epoch's state becomes learned parts as the training would save them at that point (the
 * kept vectors, the state and random draws to go on from, the lineage with this round so far, the history), which
 * resume exactly where it stands.
 */
final class Snapshots implements Trainer.Listener {
    private final Trainer.Listener caller;
    private final Slime.TrainingRequest request;
    private final TextContext text;
    private final org.slime4j.core.model.ModelIdentity identity;
    private final SlimeOptions options;
    private final Randomness.Seeded random;
    private final List<Continuation.Round> lineage;
    private final Continuation.Round round;
    private final int startEpochs;
    private final List<EpochRecord> history;

    /**
     * @param round       this round as it will be recorded, its epochs to be counted
     * @param startEpochs the epochs run before this round
     * @param history     the epochs before this round
     */
    Snapshots(Trainer.Listener caller, Slime.TrainingRequest request, TextContext text,
              org.slime4j.core.model.ModelIdentity identity, SlimeOptions options, Randomness.Seeded random,
              List<Continuation.Round> lineage, Continuation.Round round, int startEpochs, List<EpochRecord> history) {
        this.caller = caller;
        this.request = request;
        this.text = text;
        this.identity = identity;
        this.options = options;
        this.random = random;
        this.lineage = lineage;
        this.round = round;
        this.startEpochs = startEpochs;
        this.history = new ArrayList<>(history);
    }

    @Override
    public void step(Trainer.StepReport report) {
        caller.step(report);
    }

    @Override
    public void epoch(int epoch, double meanLoss, double validationIou, boolean best) {
        caller.epoch(epoch, meanLoss, validationIou, best);
    }

    @Override
    public void preview(int epoch, LabelImage labels) {
        caller.preview(epoch, labels);
    }

    @Override
    public void epochRecord(EpochRecord record) {
        history.add(record);
        caller.epochRecord(record);
    }

    @Override
    public boolean wantsStepDetails() {
        return caller.wantsStepDetails();
    }

    @Override
    public boolean wantsSnapshots() {
        return true;
    }

    @Override
    public void epochState(Trainer.State state) {
        List<Continuation.Round> rounds = new ArrayList<>(lineage);
        rounds.add(new Continuation.Round(round.parent(), round.images(), round.masks(), state.epochs() - startEpochs));
        boolean kept = request.validateOnTraining() && state.bestEpoch() > 0;
        caller.snapshot(new LearnedParts(request.partNames(), kept ? state.best() : state.vectors(), text, identity,
                options, request.inputMapping(), Instant.now().toString(), new Continuation(state, random.state(),
                rounds, history)));
    }

    @Override
    public void finished(Trainer.Outcome outcome) {
        caller.finished(outcome);
    }
}
