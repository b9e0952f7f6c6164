/** A program's page, its status badge, its dates and cards. */
export const en = {
  "programs.upcoming": "Upcoming",
  "programs.running": "Running",
  "programs.ended": "Ended",
  "programs.tags": "Tags",
  "programs.closed": "This program has ended; applications are closed.",
  "programs.apply": "Apply",
  "programs.questions": "Questions? Talk to a counselor",
  "programs.startsIn": "Starts {when}",
  "programs.endsIn": "Ends {when}",
  "programs.endedAgo": "Ended {when}",
  "programs.utc": "{range} UTC",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "programs.upcoming": "시작 전",
  "programs.running": "진행 중",
  "programs.ended": "종료",
  "programs.tags": "태그",
  "programs.closed": "종료된 프로그램이에요. 신청을 받지 않아요.",
  "programs.apply": "신청하기",
  "programs.questions": "궁금한 점이 있나요? 상담사와 대화하기",
  "programs.startsIn": "{when} 시작",
  "programs.endsIn": "{when} 종료",
  "programs.endedAgo": "{when} 종료",
  "programs.utc": "{range} (UTC)",
};
