/** Program shapes as the HTTP API sends them; the browser and the stores share them. */

export interface Program {
  id: string;
  title: string;
  description: string;
  /** ISO 8601 date-times. */
  startsAt: string;
  endsAt: string;
  price: number;
  currency: string;
  url: string;
  tags: string[];
  updatedAt: string;
}

export type ProgramStatus = "current" | "expired" | "all";

export interface ProgramPage {
  programs: Program[];
  nextCursor?: string;
}
