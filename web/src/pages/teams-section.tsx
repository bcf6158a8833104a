/**
 * @module
 * An organization's members (owners marked) and teams with their roles, over
 * `GET /orgs/{org}`: add a member (optionally an owner), create a team with a
 * role, put a member in a team. The server decides who may; its refusal is
 * shown as it says it.
 */
import { type FormEvent, useId, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, useLoad } from "../ui.tsx";

interface OrgPeople {
  readonly members: readonly { name: string; owner: boolean }[];
  readonly teams: readonly { name: string; role: string; members: readonly string[] }[];
}

const roles = ["read", "write", "admin"] as const;

/** The members and teams section of an organization's page. */
export function TeamsSection(props: { org: string }) {
  const base = `/orgs/${seg(props.org)}`;
  const people = useLoad(() => api<OrgPeople>("GET", base), [base]);
  const [member, setMember] = useState("");
  const [owner, setOwner] = useState(false);
  const [team, setTeam] = useState("");
  const [role, setRole] = useState<string>("read");
  const [teamOf, setTeamOf] = useState("");
  const [teamUser, setTeamUser] = useState("");
  const [error, setError] = useState<unknown>();
  const ids = { role: useId(), team: useId() };
  const run = (work: () => Promise<void>) => async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await work();
      people.reload();
    } catch (e) {
      setError(e);
    }
  };
  const teams = people.value?.teams ?? [];
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">Members and teams</h2>
      <ErrorBanner error={people.error} />
      <h3>Members</h3>
      <ul aria-label="Members">
        {people.value?.members.map((m) => (
          <li key={m.name}>
            {m.name} <small>({m.owner ? "owner" : "member"})</small>
          </li>
        ))}
      </ul>
      <form
        aria-label="Add a member"
        onSubmit={run(async () => {
          await api("PUT", `${base}/members/${seg(member)}`, { owner });
          setMember("");
          setOwner(false);
        })}
      >
        <label>
          Member user name
          <input name="member" value={member} onChange={(e) => setMember(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" name="owner" checked={owner} onChange={(e) => setOwner(e.target.checked)} /> Owner
        </label>
        <button type="submit">Add member</button>
      </form>
      <h3>Teams</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Role</th>
            <th scope="col">Members</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((t) => (
            <tr key={t.name}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>{t.members.join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        aria-label="Create a team"
        onSubmit={run(async () => {
          await api("POST", `${base}/teams`, { name: team, role });
          setTeam("");
        })}
      >
        <label>
          Team name
          <input name="team" value={team} onChange={(e) => setTeam(e.target.value)} />
        </label>
        <label htmlFor={ids.role}>Team role</label>
        <select id={ids.role} name="role" value={role} onChange={(e) => setRole(e.target.value)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit">Create team</button>
      </form>
      {teams.length > 0 && (
        <form
          aria-label="Add a user to a team"
          onSubmit={run(async () => {
            await api("PUT", `${base}/teams/${seg(teamOf || teams[0]!.name)}/members/${seg(teamUser)}`);
            setTeamUser("");
          })}
        >
          <label htmlFor={ids.team}>Team</label>
          <select
            id={ids.team}
            name="teamOf"
            value={teamOf || teams[0]!.name}
            onChange={(e) => setTeamOf(e.target.value)}
          >
            {teams.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
          <label>
            User to add to the team
            <input name="teamUser" value={teamUser} onChange={(e) => setTeamUser(e.target.value)} />
          </label>
          <button type="submit">Add to team</button>
        </form>
      )}
      <ErrorBanner error={error} />
    </section>
  );
}
