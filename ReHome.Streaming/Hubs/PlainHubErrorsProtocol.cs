using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// SignalR sends a <see cref="HubException"/> thrown by a hub method as "An unexpected error occurred
/// invoking 'X' on the server. HubException: forbidden: …". Clients are promised the message itself
/// (it starts with its code: <c>forbidden</c>, <c>rate_limited</c>, <c>invalid_argument</c>), so this
/// protocol decorator sends just that. Errors of any other exception keep SignalR's generic text.
/// </summary>
internal sealed class PlainHubErrorsProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string HubExceptionMarker = $"{nameof(HubException)}: ";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    /// <summary>
    /// Arguments that do not bind (a string for a number, a number beyond <see cref="long.MaxValue"/>, a
    /// missing one) are the client's error: SignalR would answer a generic "error on the server", so the
    /// failure is given as an <c>invalid_argument</c> refusal. An unknown method keeps SignalR's own answer.
    /// </summary>
    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        if (message is InvocationBindingFailureMessage { BindingFailure.SourceException: not HubException } failure)
        {
            message = new InvocationBindingFailureMessage(
                failure.InvocationId, failure.Target, ExceptionDispatchInfo.Capture(HubErrors.ArgumentsDoNotBind(failure.Target)));
        }

        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Plain(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Plain(message));

    private static HubMessage Plain(HubMessage message)
    {
        if (message is CompletionMessage { Error: { } error } completion
            && error.IndexOf(HubExceptionMarker, StringComparison.Ordinal) is var marker and >= 0)
        {
            return CompletionMessage.WithError(completion.InvocationId!, error[(marker + HubExceptionMarker.Length)..]);
        }

        return message;
    }

    /// <summary>Wraps every registered hub protocol (JSON, MessagePack) in the decorator.</summary>
    public static void DecorateAll(IServiceCollection services)
    {
        var registrations = services.Where(service => service.ServiceType == typeof(IHubProtocol)).ToArray();
        foreach (var registration in registrations)
        {
            services.Remove(registration);
            services.AddSingleton<IHubProtocol>(provider => new PlainHubErrorsProtocol(registration.ImplementationType is { } type
                ? (IHubProtocol)ActivatorUtilities.CreateInstance(provider, type)
                : registration.ImplementationFactory?.Invoke(provider) as IHubProtocol ?? (IHubProtocol)registration.ImplementationInstance!));
        }
    }
}
