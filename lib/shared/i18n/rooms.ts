/** A room's page when the reader may not enter it. */
export const en = {
  "rooms.privateTitle": "Private room",
  "rooms.privateHeading": "This room is private",
  "rooms.privateHelp": "Ask someone in the room for its invite link, or enter the invite code here.",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "rooms.privateTitle": "비공개 방",
  "rooms.privateHeading": "비공개 방이에요",
  "rooms.privateHelp": "방에 있는 사람에게 초대 링크를 받거나, 여기에 초대 코드를 입력해 주세요.",
};
