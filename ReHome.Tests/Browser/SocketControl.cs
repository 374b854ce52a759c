using Microsoft.Playwright;

namespace ReHome.Tests.Browser;

/// <summary>
/// The test's hand on the page's WebSockets, installed before the page's own scripts: kill the open
/// sockets, refuse new ones for a while (the network is down), lose chosen token broadcasts in
/// transit, or hand the client a close message that forbids reconnecting. The client under test is the real one; only the network between it and the API misbehaves.
/// </summary>
public sealed class SocketControl(IPage page)
{
    public const string InitScript = """
        (() => {
          const NativeWebSocket = window.WebSocket;
          const RecordSeparator = "\u001e";
          const control = { sockets: [], blocked: false, dropSeqs: new Set(), dropTargets: new Set(), dropped: 0, opened: 0 };

          // Loses the token broadcasts whose seq is in dropSeqs, and every event whose name is in dropTargets; everything else passes untouched.
          const filter = (data) => {
            if (typeof data !== "string" || (control.dropSeqs.size === 0 && control.dropTargets.size === 0)) return data;
            const records = data.split(RecordSeparator);
            const kept = records.filter((record) => {
              if (!record) return true;
              try {
                const message = JSON.parse(record);
                if (message.type === 1 && control.dropTargets.has(message.target)) {
                  control.dropped++;
                  return false;
                }
                const token = message.type === 1 && message.target === "agent.thread.token" ? message.arguments[0] : null;
                if (token && control.dropSeqs.has(token.seq)) {
                  control.dropSeqs.delete(token.seq);
                  control.dropped++;
                  return false;
                }
              } catch { }
              return true;
            });
            return kept.length === records.length ? data : kept.join(RecordSeparator);
          };

          class ControlledWebSocket extends NativeWebSocket {
            constructor(url, protocols) {
              // While "the network is down" a new socket asks for a path nobody serves, and fails at once.
              super(control.blocked ? url.replace(/\/hubs\/[^?]*/, "/hubs/unreachable") : url, protocols);
              control.sockets.push(this);
              this.addEventListener("open", () => control.opened++);
            }

            set onmessage(handler) {
              this.deliver = handler;
              super.onmessage = handler && ((event) => {
                const data = filter(event.data);
                if (data !== "" && data !== RecordSeparator) handler(data === event.data ? event : { data });
              });
            }

            get onmessage() {
              return super.onmessage;
            }
          }

          control.kill = () => {
            let killed = 0;
            for (const socket of control.sockets) {
              if (socket.readyState === NativeWebSocket.OPEN || socket.readyState === NativeWebSocket.CONNECTING) {
                socket.close(4000, "killed by the test");
                killed++;
              }
            }
            return killed;
          };

          // What a server sends when it closes a connection for good: a SignalR close message that forbids reconnecting.
          control.closeForGood = () => {
            const socket = control.sockets.findLast((s) => s.readyState === NativeWebSocket.OPEN);
            socket.deliver({ data: JSON.stringify({ type: 7, error: "closed by the test", allowReconnect: false }) + RecordSeparator });
          };

          window.WebSocket = ControlledWebSocket;
          window.__sockets = control;
        })();
        """;

    /// <summary>Closes every open socket of the page; returns how many were open.</summary>
    public Task<int> KillAsync() => page.EvaluateAsync<int>("() => window.__sockets.kill()");

    /// <summary>Delivers a SignalR close message that forbids reconnecting, as a server closing the connection for good does.</summary>
    public Task CloseForGoodAsync() => page.EvaluateAsync("() => window.__sockets.closeForGood()");

    /// <summary>While blocked, every new socket fails to connect, as with the network down.</summary>
    public Task BlockAsync(bool blocked) => page.EvaluateAsync("blocked => { window.__sockets.blocked = blocked; }", blocked);

    /// <summary>Loses the broadcasts of these token seqs (once each) on their way to the page.</summary>
    public Task DropTokensAsync(IEnumerable<long> seqs) => page.EvaluateAsync("seqs => seqs.forEach(seq => window.__sockets.dropSeqs.add(seq))", seqs.ToArray());

    /// <summary>Token broadcasts lost so far.</summary>
    /// <summary>Loses every event named <paramref name="target"/> (<c>agent.thread.stream.ended</c> …) from now on.</summary>
    public Task DropEventsAsync(string target) => page.EvaluateAsync("target => window.__sockets.dropTargets.add(target)", target);

    public Task<int> DroppedAsync() => page.EvaluateAsync<int>("() => window.__sockets.dropped");

    /// <summary>Sockets that opened so far (the first connection and every reconnect).</summary>
    public Task<int> OpenedAsync() => page.EvaluateAsync<int>("() => window.__sockets.opened");
}
