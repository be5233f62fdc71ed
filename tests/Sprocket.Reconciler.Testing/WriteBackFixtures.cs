using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.WriteBack;

namespace Sprocket.Reconciler.Testing;

/// <summary>A desired-state file with two similarly named stacks and comments, and an incident on stack <c>web</c>.</summary>
internal static class WriteBackFixtures
{
    public const string BadTag = "git-bbb2222";
    public const string GoodTag = "git-aaa1111";
    public const string ThirdTag = "git-ccc3333";

    public static readonly DateTimeOffset RollbackStarted = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    public static readonly DateTimeOffset RollbackCompleted = new(2025, 3, 14, 9, 27, 20, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    public static string DesiredState(string webTag = BadTag, string lineEnding = "\n") => $"""
        # Production — edited by humans and by Sprocket.Reconciler
        version: 1
        stacks:
          - name: web              # the public site
            engine: swarm
            imageTag: {webTag}   # CI bumps this
            services:
              - repository: registry.example/sprocketbot/web
                match: prod-web*
            policy: {"{"} writeBack: commit, stabilization: 2m {"}"}
          - name: web-api
            engine: swarm
            imageTag: {BadTag}
            services: [{"{"} repository: registry.example/sprocketbot/api, match: prod-api* {"}"}]

        """.ReplaceLineEndings(lineEnding);

    public static WriteBackRequest Request(WriteBackMode mode, string goodTag = GoodTag) => new(
        Stack: "web",
        Mode: mode,
        BadTag: BadTag,
        GoodTag: goodTag,
        Services: [new RolledBackService("prod-web-service-1a2b3c4", "registry.example/sprocketbot/web",
            FromDigest: "sha256:" + new string('b', 64), ToDigest: "sha256:" + new string('a', 64))],
        RollbackStartedAt: RollbackStarted,
        RollbackCompletedAt: RollbackCompleted,
        Stabilization: TimeSpan.FromMinutes(2),
        DesiredRevision: "0123456789abcdef0123456789abcdef01234567");
}
