namespace ReHome.Streaming.Streams;

/// <summary>
/// What Redis holds of a stream, for the operator commands (<see cref="StreamLog.GetRecordsAsync"/>): its state; its
/// counter (<c>ai:seq</c>, held while live); its last activity (<c>ai:active</c>, while live); whether it has an end
/// record (<c>ai:done</c>), that record's run and how long until it expires (null when it does not); and its kept
/// answer's run and end time (null when none is kept).
/// </summary>
public sealed record StreamRecord(
    StreamState State,
    long? Counter,
    DateTimeOffset? LastActivity,
    bool HasEndRecord,
    string? EndRecordRunId,
    TimeSpan? EndRecordExpiresIn,
    string? AnswerRunId,
    DateTimeOffset? AnswerEndedAt);
