using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Authorization;

/// <summary>One public service method that changes data, and how (or whether) its caller's role is checked.</summary>
public sealed record DataChangingMethod(Type Service, MethodInfo Method, string Sink, bool Checked, string? SystemReason)
{
    public string Name => $"{Service.Name}.{Method.Name}";

    public bool Violates => !Checked && SystemReason is null;
}

/// <summary>
/// Reads the IL of an assembly's methods (their async state machines, lambdas and local functions included, and the
/// overrides and implementations of the virtual and interface methods they call) to find which public service methods
/// can reach a data change — EF's <c>SaveChanges</c>, <c>ExecuteSql*</c>, <c>ExecuteUpdate/Delete</c>, a command's
/// <c>ExecuteNonQuery</c>, or a changing <c>UserManager</c>/<c>RoleManager</c> call — along a path on which no method
/// calls an access check (<see cref="CurrentUserExtensions.RequireRoleAsync"/> or another <see cref="AccessCheckAttribute"/> method). A method that checks the role itself, or only reaches
/// data changes through methods that do, passes; so does one marked <see cref="SystemOperationAttribute"/>.
/// </summary>
public sealed class RoleCheckAnalyzer
{
    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];
    private static readonly string[] ChangingIdentityPrefixes =
        ["Create", "Update", "Delete", "Add", "Remove", "Set", "Reset", "Change", "Confirm", "AccessFailed", "Replace"];


    private readonly Assembly _assembly;
    private readonly Type[] _types;
    private readonly Dictionary<MethodBase, List<MethodBase>> _callees = [];
    private readonly Dictionary<MethodBase, string?> _uncheckedSink = [];

    static RoleCheckAnalyzer()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            var value = (ushort)op.Value;
            if (value < 0x100)
            {
                OneByte[value] = op;
            }
            else if ((value & 0xff00) == 0xfe00)
            {
                TwoByte[value & 0xff] = op;
            }
        }
    }

    public RoleCheckAnalyzer(Assembly assembly)
    {
        _assembly = assembly;
        try
        {
            _types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            _types = ex.Types.Where(t => t is not null).ToArray()!;
        }
    }

    /// <summary>The public instance methods of <paramref name="serviceTypes"/> that can change data, each with its verdict.</summary>
    public IReadOnlyList<DataChangingMethod> Analyze(IEnumerable<Type> serviceTypes)
    {
        var found = new List<DataChangingMethod>();
        foreach (var type in serviceTypes.Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            // Inherited public methods count too (a background source's RunOnceAsync lives in its base class).
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                         .Where(m => !m.IsSpecialName && m.DeclaringType?.Assembly == _assembly).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var anySink = FirstSink(method, new HashSet<MethodBase>(), stopAtChecks: false);
                if (anySink is null)
                {
                    continue;
                }

                var isChecked = CallsRoleCheck(method) || UncheckedSink(method) is null;
                var system = method.GetCustomAttribute<SystemOperationAttribute>()?.Reason;
                found.Add(new DataChangingMethod(type, method, anySink, isChecked, system));
            }
        }

        return found;
    }

    private string? UncheckedSink(MethodBase method)
    {
        if (_uncheckedSink.TryGetValue(method, out var known))
        {
            return known;
        }

        _uncheckedSink[method] = null; // cycle guard
        var sink = FirstSink(method, new HashSet<MethodBase>(), stopAtChecks: true);
        _uncheckedSink[method] = sink;
        return sink;
    }

    /// <summary>The first data change reachable from <paramref name="method"/> (through unchecked methods only, when asked).</summary>
    private string? FirstSink(MethodBase method, HashSet<MethodBase> seen, bool stopAtChecks)
    {
        if (!seen.Add(method))
        {
            return null;
        }

        foreach (var callee in Callees(method))
        {
            if (SinkName(callee) is { } sink)
            {
                return $"{sink} (from {Describe(method)})";
            }

            if (callee.Module.Assembly != _assembly || callee.GetCustomAttribute<SystemOperationAttribute>() is not null)
            {
                continue;
            }

            if (stopAtChecks && CallsRoleCheck(callee))
            {
                continue;
            }

            if (FirstSink(callee, seen, stopAtChecks) is { } deeper)
            {
                return deeper;
            }
        }

        return null;
    }

    private bool CallsRoleCheck(MethodBase method)
        => OwnBodies(method).SelectMany(ReadCalls).Any(c => c is MethodInfo mi && IsAccessCheck(mi.IsGenericMethod ? mi.GetGenericMethodDefinition() : mi));

    /// <summary>A role or scope check: a method marked <see cref="AccessCheckAttribute"/> (RequireRoleAsync and the API's scope checks).</summary>
    public static bool IsAccessCheck(MethodInfo method) => method.IsDefined(typeof(AccessCheckAttribute), false);

    private static string? SinkName(MethodBase callee)
    {
        var type = callee.DeclaringType;
        if (type is null)
        {
            return null;
        }

        var name = callee.Name;
        if (typeof(DbContext).IsAssignableFrom(type) && name.StartsWith("SaveChanges", StringComparison.Ordinal))
        {
            return "DbContext." + name;
        }

        if (name.StartsWith("ExecuteSql", StringComparison.Ordinal) && type.Name == "RelationalDatabaseFacadeExtensions")
        {
            return name;
        }

        if (name is "ExecuteUpdate" or "ExecuteUpdateAsync" or "ExecuteDelete" or "ExecuteDeleteAsync")
        {
            return name;
        }

        if ((typeof(DbCommand).IsAssignableFrom(type) || typeof(IDbCommand).IsAssignableFrom(type)) && name.StartsWith("ExecuteNonQuery", StringComparison.Ordinal))
        {
            return "command." + name;
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(UserManager<>) || type.GetGenericTypeDefinition() == typeof(RoleManager<>))
            && ChangingIdentityPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
        {
            return $"{type.Name[..type.Name.IndexOf('`')]}.{name}";
        }

        return null;
    }

    /// <summary>What <paramref name="method"/> calls: its own IL and its state machine's, plus overrides of virtual calls in the assembly.</summary>
    private List<MethodBase> Callees(MethodBase method)
    {
        if (_callees.TryGetValue(method, out var known))
        {
            return known;
        }

        var list = new List<MethodBase>();
        foreach (var call in OwnBodies(method).SelectMany(ReadCalls))
        {
            list.Add(call);
            if (call.Module.Assembly == _assembly && (call.IsAbstract || call.IsVirtual))
            {
                list.AddRange(Implementations(call));
            }
        }

        _callees[method] = list;
        return list;
    }

    private IEnumerable<MethodBase> Implementations(MethodBase method)
    {
        if (method is not MethodInfo info || info.DeclaringType is not { } declaring)
        {
            yield break;
        }

        foreach (var type in _types.Where(t => t is { IsInterface: false } && t != declaring && declaring.IsAssignableFrom(t)))
        {
            if (declaring.IsInterface)
            {
                var map = type.GetInterfaceMap(declaring);
                var i = Array.IndexOf(map.InterfaceMethods, info);
                if (i >= 0 && map.TargetMethods[i].DeclaringType == type)
                {
                    yield return map.TargetMethods[i];
                }
            }
            else
            {
                foreach (var candidate in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    if (candidate.Name == info.Name && candidate.GetBaseDefinition() == info.GetBaseDefinition())
                    {
                        yield return candidate;
                    }
                }
            }
        }
    }

    /// <summary>The method itself and, for async and iterator methods, the state machine's MoveNext that holds the real body.</summary>
    private static IEnumerable<MethodBase> OwnBodies(MethodBase method)
    {
        yield return method;
        var machine = method.GetCustomAttribute<AsyncStateMachineAttribute>()?.StateMachineType
            ?? method.GetCustomAttribute<IteratorStateMachineAttribute>()?.StateMachineType
            ?? method.GetCustomAttribute<AsyncIteratorStateMachineAttribute>()?.StateMachineType;
        if (machine?.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } moveNext)
        {
            yield return moveNext;
        }
    }

    /// <summary>Every method a body calls, constructs or takes a delegate to (call, callvirt, newobj, ldftn, ldvirtftn).</summary>
    private static IEnumerable<MethodBase> ReadCalls(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (InvalidOperationException)
        {
            il = null;
        }

        if (il is null)
        {
            yield break;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            OpCode op;
            if (il[i] == 0xFE)
            {
                op = TwoByte[il[i + 1]];
                i += 2;
            }
            else
            {
                op = OneByte[il[i]];
                i += 1;
            }

            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? target = null;
                try
                {
                    target = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
                {
                    // A token that cannot be resolved in this context (rare generic cases) is skipped.
                }

                if (target is not null)
                {
                    yield return target;
                }
            }

            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }

    private static string Describe(MethodBase method)
    {
        var type = method.DeclaringType;
        while (type is { DeclaringType: not null } && type.Name.Contains('<'))
        {
            type = type.DeclaringType;
        }

        return $"{type?.Name}.{method.Name}";
    }
}
