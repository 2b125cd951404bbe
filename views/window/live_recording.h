#pragma once
// A recording shown while it grows: a RecordRun (record/record_run.h) writes the .ktr,
// and every interval (500 ms) the growing file is opened again on a thread of its own:
// without a footer yet, the reader rebuilds the frame index by scanning block headers
// (docs/ktr-format.md), which gives every frame already written. Each model that opens
// is handed to the window (liveModel); one open at a time, so a slow scan delays the
// next instead of piling up. Once ktr has ended, the finished file is opened the same
// way and handed over (finalModel), or the failure is (failed) with whatever was
// recorded still openable.
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <memory>
#include <thread>

#include "decode/trace_model.h"

class QTimer;

namespace kestrel {

class RecordRun;

class LiveRecording : public QObject {
    Q_OBJECT
public:
    explicit LiveRecording(QObject* parent = nullptr);
    ~LiveRecording() override;  // stops ktr and waits for it and for an open under way

    RecordRun* run() const { return m_run; }
    void setInterval(int ms);
    bool start(const QStringList& arguments, const QString& workingDirectory = {});
    void stop();
    bool active() const { return m_active; }
    int liveModels() const { return m_liveModels; }  // handed over so far

signals:
    void liveModel(std::shared_ptr<TraceModel> model);
    void finalModel(std::shared_ptr<TraceModel> model);
    // ktr failed (`message` says why), or the finished file does not open.
    void failed(const QString& message);

private:
    void reopen(bool final);
    void delivered(std::shared_ptr<TraceModel> model, bool final, const QString& error);
    void runFinished(bool ok);

    RecordRun* m_run = nullptr;
    QTimer* m_timer = nullptr;
    std::thread m_opener;
    bool m_opening = false;
    bool m_finalPending = false;  // ktr ended while an open was under way
    bool m_active = false;
    int m_liveModels = 0;
};

}  // namespace kestrel
