import { sha256Hex } from '../system/sha256';

/** Who ran a run and where, as stored in its record: pseudonyms unless the user opted in to names. */
export interface RunIdentity {
  readonly userId: string;
  readonly machineId: string;
  /** True when the ids are the names themselves. */
  readonly readable: boolean;
}

/**
 * A stable pseudonym: the same name always gives the same id, so a team can group runs by person or
 * machine without the records naming anyone. Salted per kind so a user and a host of one name differ.
 */
export function pseudonym(kind: 'user' | 'host', name: string): string {
  return `${kind}-${sha256Hex(`carbon-meter:${kind}:${name}`).slice(0, 12)}`;
}

export function runIdentity(userName: string, hostName: string, readable: boolean): RunIdentity {
  return readable
    ? { userId: userName, machineId: hostName, readable }
    : { userId: pseudonym('user', userName), machineId: pseudonym('host', hostName), readable };
}
