package action

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
)

// Report files by's report against n.TargetAccountID (n.AccountID is by), with the
// statuses it names. A local account's report about a remote account, filed with
// n.Forward, is also sent to the target's server, as a Flag from the instance actor
// (moderation marks it Forwarded). The report stands when that copy cannot be queued,
// since filing it again would make a second report: the failure is logged, not
// returned. A peer's report (the inbox's Flag) is never forwarded back.
func (s *Service) Report(ctx context.Context, by *account.Account, n moderation.NewReport) (*moderation.Report, error) {
	n.AccountID = by.ID
	if !by.Local() {
		n.Forward = false
	}
	rep, err := s.reports.Create(ctx, n)
	if err != nil {
		return nil, err
	}
	if rep.Forwarded {
		if err := s.federation.SendFlag(ctx, rep); err != nil {
			s.log.Error("action: forward report", "report", rep.ID, "err", err)
		}
	}
	return rep, nil
}
